// A trainer switches the interface language in the bank workbench and keeps their place: the
// tab they were on (History) stays open, now labelled in English, and the category filter
// keeps its choice (Stress taken out in Chinese) under English labels, filtering as before;
// a category taken out in English then filters too (the browser sends the English labels
// back and the page understands them). Then back to Chinese.
// $E2E_WORKBENCH_LANGUAGE (JSON, from test_browser.py): token (a trainer's), counts (how many
// questions each filter leaves: notStress, behavioralSituational).
import {
  chooseOption,
  expectNoText,
  expectText,
  runE2E,
  screenshot,
  step,
  useToken,
  waitForApp,
} from './helpers.mjs';

const config = JSON.parse(process.env.E2E_WORKBENCH_LANGUAGE || 'null');
if (!config || !config.token) throw new Error('E2E_WORKBENCH_LANGUAGE (JSON with a token) is required');
const { token, counts } = config;
const WAIT = { timeout: 60_000 };
const CJK = /[\u3400-\u9fff]/;
const FILTER = '.st-key-workbench_categories';

function check(condition, what) {
  if (!condition) throw new Error(what);
}

async function openTab(page, name) {
  step(`open tab "${name}"`);
  await page.getByRole('tab', { name, exact: true }).click();
  await waitForApp(page);
}

/** The label of the open tab. */
async function openTabLabel(page) {
  const open = await page.locator('[role="tab"][aria-selected="true"]').allInnerTexts();
  check(open.length === 1, `expected one open tab, found ${JSON.stringify(open)}`);
  return open[0].trim();
}

/** The labels of the categories chosen in the filter, as the browser shows them. */
async function chosenCategories(page) {
  return page
    .locator(`${FILTER} [data-tag]`)
    .evaluateAll((tags) =>
      tags.filter((tag) => !tag.closest('[aria-hidden="true"]')).map((tag) => tag.getAttribute('aria-label')),
    );
}

async function expectCategories(page, expected) {
  const shown = await chosenCategories(page);
  step(`categories shown: ${JSON.stringify(shown)}`);
  check(JSON.stringify(shown) === JSON.stringify(expected), `expected ${JSON.stringify(expected)}, shown ${JSON.stringify(shown)}`);
}

async function removeCategory(page, label) {
  step(`take "${label}" out of the category filter`);
  await page.locator(FILTER).getByRole('button', { name: `Remove ${label}`, exact: true }).click();
  await waitForApp(page);
}

await runE2E('workbench_language', async ({ page, url, shot }) => {
  await useToken(page, url, token);
  await page.goto(`${url}/workbench`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, '题库工作台', { selector: 'h1', exact: true, ...WAIT });

  step('in Chinese: Stress out of the filter, then the History tab');
  await removeCategory(page, '压力面试');
  await expectCategories(page, ['行为面试', '情景面试', '专业知识']);
  await expectText(page, `共 ${counts.notStress} 题（点选一行即可编辑）`);
  await openTab(page, '历史版本');
  check((await openTabLabel(page)) === '历史版本', 'History did not open');
  await expectText(page, '先在“题目”中打开一道已保存的题目');
  await screenshot(page, shot('workbench_language_zh.png'));

  step('switch to English');
  await chooseOption(page, 'Language / 语言', 'English');
  await expectText(page, 'Bank workbench', { selector: 'h1', exact: true, ...WAIT });
  const open = await openTabLabel(page);
  check(open === 'History', `after the switch the open tab is "${open}", not History`);
  await expectText(page, 'Open a saved question under Questions to see all its versions here.');
  step('the History tab is still open, in English');
  await screenshot(page, shot('workbench_language_en_history.png'));

  await openTab(page, 'Questions');
  await expectCategories(page, ['Behavioral', 'Situational', 'Technical']);
  const filterText = await page.locator(FILTER).innerText();
  check(!CJK.test(filterText), `Chinese left in the category filter: ${JSON.stringify(filterText)}`);
  await expectText(page, `${counts.notStress} questions (pick a row to edit)`);
  step('the category filter keeps its choice, in English');
  await screenshot(page, shot('workbench_language_en.png'));

  step('a category taken out in English filters too');
  await removeCategory(page, 'Technical');
  await expectCategories(page, ['Behavioral', 'Situational']);
  await expectText(page, `${counts.behavioralSituational} questions (pick a row to edit)`);

  step('back to Chinese');
  await openTab(page, 'Import & export');
  await chooseOption(page, 'Language / 语言', '中文');
  await expectText(page, '题库工作台', { selector: 'h1', exact: true, ...WAIT });
  check((await openTabLabel(page)) === '导入与导出', 'Import & export did not stay open');
  await openTab(page, '题目');
  await expectCategories(page, ['行为面试', '情景面试']);
  await expectText(page, `共 ${counts.behavioralSituational} 题（点选一行即可编辑）`);
  await expectNoText(page, 'Behavioral', { selector: FILTER });
  step('place and filter kept both ways');
});
