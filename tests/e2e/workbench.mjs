// A trainer edits a rubric point in the workbench: the Chinese only (the point is marked
// "英文未随中文更新", also after a reload), then the English (the mark goes); then scores an
// answer in the rubric lab against a scratch rewording of the first point, where each point's
// probability shows under both rubrics; marks, in the strong Chinese example, the phrase that
// makes the first point (after saving, the list of examples shows p1 as marked for it), and
// opens the list of the parts of the question's examples that each
// point is also read with, where that phrase is listed as marked by a trainer.
// $E2E_WORKBENCH_TOKEN: a trainer's token (test_browser.py); $E2E_WORKBENCH_QUESTION: the id.
import {
  clickButton,
  expectNoText,
  expectText,
  fillTextArea,
  runE2E,
  screenshot,
  step,
  useToken,
  waitForApp,
} from './helpers.mjs';

const token = process.env.E2E_WORKBENCH_TOKEN;
const questionId = process.env.E2E_WORKBENCH_QUESTION || 'cs-beh-01';
if (!token) throw new Error('E2E_WORKBENCH_TOKEN is not set');
const STALE = '英文未随中文更新';
const ALERT = '[data-testid="stAlert"]'; // the mark itself, not the caption that explains it
const MARKED = '分别把他俩叫到小会议室'; // in strong-zh of cs-beh-01: the private talks (p1)

async function openWorkbench(page, url) {
  await page.goto(`${url}/workbench`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, '题库工作台', { selector: 'h1', exact: true, timeout: 60_000 });
  step(`open ${questionId}`);
  const select = page
    .locator('[data-testid="stSelectbox"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: '要编辑的题目' }) })
    .first();
  await select.locator('input, [role="combobox"]').first().click();
  await page.locator('[role="option"]').filter({ hasText: questionId }).first().click();
  await waitForApp(page);
  await expectText(page, `编辑 ${questionId}`);
}

/** A screenshot of the page from the element with text `top` down to the one with `bottom`. */
async function shotBetween(page, file, top, bottom) {
  step(`screenshot ${file} (from "${top}" to "${bottom}")`);
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return Math.max(document.documentElement.scrollHeight, main ? main.scrollHeight : 0);
  });
  await page.setViewportSize({ width: viewport.width, height: Math.min(height, 12_000) });
  await page.waitForTimeout(300);
  try {
    const a = await page.getByText(top, { exact: true }).first().boundingBox();
    const b = await page.getByText(bottom, { exact: true }).first().boundingBox();
    if (!a || !b || b.y <= a.y) throw new Error(`cannot frame "${top}" .. "${bottom}"`);
    const y = Math.max(0, a.y - 16);
    await page.screenshot({ path: file, clip: { x: 0, y, width: viewport.width, height: b.y - y } });
  } finally {
    await page.setViewportSize(viewport);
  }
}

await runE2E('workbench', async ({ page, url, shot }) => {
  await useToken(page, url, token);
  await openWorkbench(page, url);
  await expectNoText(page, STALE, { selector: ALERT });
  await screenshot(page, shot('workbench.png'));

  step('change the Chinese of the first point only');
  await fillTextArea(page, '要点（中文）', '先分别听取双方的说法，再约两人一起商量解决办法');
  await expectText(page, STALE, { selector: ALERT });
  await shotBetween(page, shot('workbench_point_editor.png'), '评分要点', '参考答案与追问');
  await clickButton(page, '保存', { exact: true });
  await expectText(page, `已保存 ${questionId}（第 2 版）`);
  await expectText(page, STALE, { selector: ALERT });

  step('reload: the mark comes from the database');
  await openWorkbench(page, url);
  await expectText(page, STALE, { selector: ALERT });

  step('update the English: the mark goes');
  await fillTextArea(page, '要点（英文）', 'Hears each side first, then brings both together to agree a way forward');
  await expectNoText(page, STALE, { selector: ALERT });
  await clickButton(page, '保存', { exact: true });
  await expectText(page, `已保存 ${questionId}（第 3 版）`);
  await expectNoText(page, STALE, { selector: ALERT });

  step('mark where the strong example makes the first point');
  const example = page
    .locator('[data-testid="stSelectbox"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: '要编辑的评分示例' }) })
    .first();
  const shown = `${await example.innerText()} ${await example.locator('input').first().inputValue().catch(() => '')}`;
  if (!shown.includes('strong-zh')) {
    await example.locator('input, [role="combobox"]').first().click();
    await page.locator('[role="option"]').filter({ hasText: 'strong-zh' }).first().click();
    await waitForApp(page);
  }
  await expectText(page, '每个要点在回答里的说法');
  const marks = page
    .locator('[data-testid="stMultiSelect"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: 'p1 ·' }) })
    .first();
  await marks.locator('input').first().click();
  await page.keyboard.type(MARKED); // the list is long: narrow it to the phrase
  await page.locator('[role="option"]').filter({ hasText: MARKED }).first().click();
  await page.keyboard.press('Escape');
  await waitForApp(page);
  await shotBetween(page, shot('workbench_example_marks.png'), '每个要点在回答里的说法', '评语（为什么是这个分数）');
  await clickButton(page, '保存', { exact: true });
  await expectText(page, `已保存 ${questionId}（第 4 版）`);

  step('the list of examples says for which points words are marked');
  const examples = page
    .locator('[data-testid="stDataFrame"]')
    .filter({ has: page.locator('[role="columnheader"]', { hasText: '已标注说法的要点' }) })
    .first();
  await examples.scrollIntoViewIfNeeded();
  const strongRow = examples.locator('[role="row"]').filter({ hasText: 'strong-zh' }).first();
  const cells = await strongRow.locator('[role="gridcell"]').allInnerTexts();
  if (!cells.some((cell) => cell.trim() === 'p1')) {
    throw new Error(`strong-zh should show p1 as marked, its cells read: ${cells.join(' | ')}`);
  }
  await examples.screenshot({ path: shot('workbench_examples_marked.png') });

  step('rubric lab: probabilities under both rubrics');
  await page.goto(`${url}/rubric_lab`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, '评分实验室', { selector: 'h1', exact: true, timeout: 60_000 });
  await fillTextArea(page, '要点（中文）', '跟进一段时间，确认两人的合作恢复正常');
  await fillTextArea(
    page,
    '示例回答',
    '两位同事起了冲突，我先分别找他们谈，听听各自的说法，然后约两人一起商量解决办法，最后跟进了一周，确认合作恢复正常。',
  );
  await clickButton(page, '评分（1 个回答）');
  await expectText(page, '草稿评分要点：得分', { timeout: 60_000 });
  await expectText(page, '每个要点的依据');
  await screenshot(page, shot('rubric_lab.png'));

  step('rubric lab: the parts of the examples each point is also read with');
  await page.getByRole('tab', { name: '示例教给评分器的说法' }).click();
  await waitForApp(page);
  await expectText(page, '也在教评分器', { timeout: 60_000 });
  await expectText(page, 'strong-zh · 中文');
  await expectText(page, `${MARKED} — strong-zh · 中文 · ✍️ 培训师标注`);
  await screenshot(page, shot('rubric_lab_phrasings.png'));
});
