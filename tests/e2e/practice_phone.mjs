// Practice feedback on a phone (390 x 844): after scoring, the score and the next steps are
// in the first screen, and nothing on the page is wider than the screen.
// Run through test_browser.py, or by hand: node tests/e2e/practice_phone.mjs <app-url> <shot-dir>
import { clickButton, expectText, fillTextArea, runE2E, screenshot, step, waitForApp } from './helpers.mjs';

const PHONE = { width: 390, height: 844 };
const ANSWER =
  '我会先分别和两位同事单独谈话，听取各自的想法。然后开一个团队会，让大家对齐活动目标。';

await runE2E('practice_phone', async ({ browser, url, shot }) => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN', isMobile: true, hasTouch: true });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  step(`open ${url} at ${PHONE.width} x ${PHONE.height}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);

  await clickButton(page, '开始练习');
  await fillTextArea(page, '你的回答', ANSWER);
  await clickButton(page, '提交评分');
  await expectText(page, '下一步这样改进');

  step('scroll to the top: the score and the tips must be in the first screen');
  await page.evaluate(() => {
    for (const s of ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]']) {
      const el = document.querySelector(s);
      if (el) el.scrollTop = 0;
    }
    window.scrollTo(0, 0);
  });
  await page.waitForTimeout(300);
  const boxes = await page.evaluate(() => {
    const box = (el) => (el ? el.getBoundingClientRect().toJSON() : null);
    const tips = document.querySelector('[class*="st-key-practice_feedback_"][class*="_tips"]');
    const score = document.querySelector('[data-testid="stMetric"]');
    const main = document.querySelector('[data-testid="stMain"]');
    return {
      tips: box(tips),
      score: box(score),
      width: document.documentElement.scrollWidth,
      mainWidth: main ? main.scrollWidth : 0,
    };
  });
  step(`tips ${JSON.stringify(boxes.tips)} score ${JSON.stringify(boxes.score)} widths ${boxes.width}/${boxes.mainWidth}`);
  if (!boxes.tips || !boxes.score) throw new Error('no tips or score on the page');
  for (const [name, b] of [['score', boxes.score], ['tips', boxes.tips]]) {
    if (b.top < 0 || b.bottom > PHONE.height || b.right > PHONE.width) {
      throw new Error(`the ${name} are not in the first screen: ${JSON.stringify(b)}`);
    }
  }
  if (boxes.width > PHONE.width || boxes.mainWidth > PHONE.width) {
    throw new Error(`the page is wider than the phone: ${boxes.width} / ${boxes.mainWidth} px`);
  }
  step('score and tips above the fold, nothing wider than the screen');
  await page.screenshot({ path: shot('practice_feedback_phone.png') });
  await context.close();
});
