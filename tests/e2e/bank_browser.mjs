// The question bank page: opens in Chinese, switches to English. Run through test_browser.py,
// or by hand: node tests/e2e/bank_browser.mjs http://127.0.0.1:8501 /tmp/shots
import { chooseOption, expectNoText, expectText, runE2E, screenshot, selectPage } from './helpers.mjs';

await runE2E('bank_browser', async ({ page, shot }) => {
  // With several pages the bank is one link in the navigation; alone, it is the only page.
  await selectPage(page, '浏览题库', { ifPresent: true });
  await expectText(page, '题库', { selector: 'h1', exact: true });
  await chooseOption(page, 'Language / 语言', 'English');
  await expectText(page, 'Question bank', { selector: 'h1', exact: true });
  await expectNoText(page, '题库', { selector: 'h1', exact: true });
  await screenshot(page, shot('bank_browser.png'));
});
