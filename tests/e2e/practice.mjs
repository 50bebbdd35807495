// Candidate practice as a guest: start a set, type an answer, reload the page (the draft and
// the question come back), submit, and open the feedback with the evidence highlighted.
// Run through test_browser.py, or by hand: node tests/e2e/practice.mjs <app-url> <shot-dir>
import { clickButton, expectText, fillTextArea, runE2E, screenshot, step, waitForApp } from './helpers.mjs';

const ANSWER =
  '我会先冷静下来，分别与两位同事单独谈话，听取各自的观点和难处。' +
  '然后分析冲突的核心，是流程认知不同还是资源分配问题。' +
  '接着组织团队会议，引导大家理性讨论，对齐活动的共同目标。' +
  '最后调整分工并安排针对性培训，之后每周跟进改进效果，建立反馈机制，客户满意度提升了 12%。';

await runE2E('practice', async ({ page, shot }) => {
  await expectText(page, '练习', { selector: 'h1', exact: true });
  await clickButton(page, '开始练习');
  await expectText(page, '你的回答');
  await screenshot(page, shot('practice_question.png'));

  await fillTextArea(page, '你的回答', ANSWER);
  await expectText(page, '草稿已保存');

  step('reload: the question and the draft must come back');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  const restored = await page.getByLabel('你的回答').inputValue();
  if (restored !== ANSWER) throw new Error(`draft not restored after reload: ${JSON.stringify(restored)}`);

  step('next question and back: the answer must still be there');
  await clickButton(page, '下一题');
  await expectText(page, '第 2 / ');
  await clickButton(page, '上一题');
  const kept = await page.getByLabel('你的回答').inputValue();
  if (kept !== ANSWER) throw new Error(`answer lost after next/previous: ${JSON.stringify(kept)}`);

  await clickButton(page, '提交评分');
  await expectText(page, '评分反馈');
  await expectText(page, '逐条评分要点');
  const marks = await page.locator('mark').count();
  if (marks < 1) throw new Error('no evidence clause is highlighted in the answer');
  step(`${marks} evidence clause(s) highlighted`);
  await screenshot(page, shot('practice_feedback.png'));
});
