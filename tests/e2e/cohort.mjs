// The cohort view as a trainer, on a seeded cohort: both heat maps drawn (one colour scale with
// its legend), the most-missed points listed, the details CSV downloaded and read back, and a
// filter to one interviewer's sessions. Signed in through the session cookie with
// $E2E_COHORT_TOKEN (prepared by test_browser.py); $E2E_COHORT_CANDIDATES is how many
// candidate accounts were seeded.
import fs from 'node:fs';
import { expectText, runE2E, screenshot, step, useToken, waitForApp } from './helpers.mjs';

const token = process.env.E2E_COHORT_TOKEN;
const seeded = Number(process.env.E2E_COHORT_CANDIDATES || 0);
if (!token || !seeded) throw new Error('E2E_COHORT_TOKEN and E2E_COHORT_CANDIDATES are required');

async function chartCount(page) {
  return page.locator('[data-testid="stVegaLiteChart"]').count();
}

async function openTab(page, name) {
  step(`open tab "${name}"`);
  await page.getByRole('tab', { name }).click();
  await page.waitForTimeout(500);
}

await runE2E('cohort', async ({ page, url, shot }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await useToken(page, url, token);
  await page.goto(url + '/cohort', { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, '学员总览', { selector: 'h1' });
  await expectText(page, '候选人 × 题目');

  step('the question heat map is drawn, with its legend');
  const chart = page.locator('[data-testid="stVegaLiteChart"]').first();
  await chart.locator('canvas, svg').first().waitFor({ state: 'visible', timeout: 30_000 });
  const box = await chart.boundingBox();
  if (!box || box.height < 300) throw new Error(`heat map too small: ${JSON.stringify(box)}`);
  await expectText(page, '得分（0–100）');
  const candidates = Number(
    (await page.locator('[data-testid="stMetric"]').first().locator('[data-testid="stMetricValue"]').innerText()).trim(),
  );
  if (candidates < seeded) throw new Error(`${candidates} candidates shown, ${seeded} seeded`);
  step(`${candidates} candidates in the heat map`);
  await screenshot(page, shot('cohort.png'));

  await openTab(page, '候选人 × 题型');
  await expectText(page, '题型得分 =');
  if ((await chartCount(page)) < 2) throw new Error('the category heat map is missing');
  await screenshot(page, shot('cohort_categories.png'));

  await openTab(page, '最常遗漏的要点');
  await expectText(page, '按未覆盖比例排列的前 15 个要点');
  await screenshot(page, shot('cohort_missed.png'));

  step('download the details CSV');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.getByRole('button', { name: '下载明细 CSV' }).click(),
  ]);
  const file = await download.path();
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.trim().split(/\r?\n/);
  if (!lines[0].startsWith('候选人,用户名,题目编号')) throw new Error(`CSV header: ${lines[0]}`);
  if (lines.length - 1 < seeded * 30) throw new Error(`CSV has ${lines.length - 1} rows`);
  step(`CSV downloaded: ${lines.length - 1} rows`);

  step('filter to one interviewer');
  const select = page
    .locator('[data-testid="stSelectbox"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: '面试官' }) })
    .first();
  const input = select.locator('input').first();
  await input.click();
  await input.pressSequentially('林面试官');
  await page.locator('[role="option"]').filter({ hasText: '林面试官' }).first().waitFor({ timeout: 30_000 });
  await input.press('Enter');
  await waitForApp(page);
  const narrowed = Number(
    (await page.locator('[data-testid="stMetric"]').first().locator('[data-testid="stMetricValue"]').innerText()).trim(),
  );
  if (!(narrowed > 0 && narrowed < candidates)) throw new Error(`${narrowed} candidates after the filter`);
  step(`${narrowed} candidates in 林面试官's sessions`);
});
