// Batch scoring as an interviewer: upload a CSV whose rows give a reference answer instead of
// rubric points (and one bad row), score it, and read the result table and the error summary.
// The page is $E2E_BATCH_PATH, signed in through the session cookie with $E2E_BATCH_TOKEN
// (prepared by test_browser.py); the CSV to upload is $E2E_BATCH_CSV.
import { clickButton, expectText, runE2E, screenshot, step, useToken, waitForApp } from './helpers.mjs';

const pagePath = process.env.E2E_BATCH_PATH;
const csvPath = process.env.E2E_BATCH_CSV;
if (!pagePath || !csvPath) throw new Error('E2E_BATCH_PATH and E2E_BATCH_CSV are required');

await runE2E('batch', async ({ page, url, shot }) => {
  await useToken(page, url, process.env.E2E_BATCH_TOKEN);
  await page.goto(url + pagePath, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, 'Batch scoring');
  step('upload the CSV');
  await page.locator('input[type="file"]').setInputFiles(csvPath);
  await waitForApp(page);
  await expectText(page, '3 rows');
  await clickButton(page, 'Score the answers');
  await expectText(page, 'Scored 2 of 3 rows; 1 with errors.', { timeout: 120_000 });
  await expectText(page, 'reference_answer');
  await screenshot(page, shot('batch_scored.png'));
});
