// The question bank page: opens in Chinese, switches to English; a question opened before the
// switch stays open after it (its expander has a key, see common.section_expander). Run
// through test_browser.py, or by hand: node tests/e2e/bank_browser.mjs http://127.0.0.1:8501 /tmp/shots
import { chooseOption, expectNoText, expectText, runE2E, screenshot, selectPage, step } from './helpers.mjs';

const QUESTION = '.st-key-bank_browser_cs-beh-02';

/** Whether the expander of cs-beh-02 is open, and the text of its label. */
async function questionPanel(page) {
  const details = page.locator(`${QUESTION} details`).first();
  return {
    open: await details.evaluate((el) => el.open),
    label: (await details.locator('summary').innerText()).trim(),
  };
}

await runE2E('bank_browser', async ({ page, shot }) => {
  // With several pages the bank is one link in the navigation; alone, it is the only page.
  await selectPage(page, '浏览题库', { ifPresent: true });
  await expectText(page, '题库', { selector: 'h1', exact: true });
  step('open cs-beh-02');
  await page.locator(`${QUESTION} summary`).first().click();
  await expectText(page, '评分要点', { selector: QUESTION });
  await chooseOption(page, 'Language / 语言', 'English');
  await expectText(page, 'Question bank', { selector: 'h1', exact: true });
  await expectNoText(page, '题库', { selector: 'h1', exact: true });
  const panel = await questionPanel(page);
  step(`after the switch: ${JSON.stringify(panel)}`);
  if (!panel.open) throw new Error('the question opened in Chinese folded when the language changed');
  if (!panel.label.includes('Behavioral')) throw new Error(`its label is not in English: ${panel.label}`);
  await expectText(page, 'Rubric points', { selector: QUESTION });
  step('the question opened in Chinese is still open, in English');
  await screenshot(page, shot('bank_browser.png'));
});
