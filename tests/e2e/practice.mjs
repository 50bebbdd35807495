// Candidate practice as a guest: start a set, type an answer, reload the page (the draft and
// the question come back), submit, read the feedback (next steps first, evidence coloured by
// status with a legend), then answer a follow-up aimed at a missed point and see it lifted.
// Run through test_browser.py, or by hand: node tests/e2e/practice.mjs <app-url> <shot-dir>
import {
  chooseOption,
  clickButton,
  expectText,
  fillTextArea,
  runE2E,
  screenshot,
  step,
  waitForApp,
} from './helpers.mjs';

// Talks to both privately and calls a meeting; says nothing about the cause, the fix or the
// follow-up, so those points are missed and get follow-up questions.
const ANSWER =
  '当时两名老员工因为工单分配方式吵起来了。我先分别找他们单独谈话，听听各自的想法和难处，' +
  '然后开了一个团队会，让大家回到活动目标上。';
const FOLLOW_UP =
  '我查了工单记录和数据，发现分歧卡在工单分配环节，根子是两人对流程的认知不同。';

await runE2E('practice', async ({ page, shot }) => {
  await expectText(page, '练习', { selector: 'h1', exact: true });
  await clickButton(page, '开始练习');
  await expectText(page, '你的回答', { exact: true });
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
  await expectText(page, '下一步这样改进');
  await expectText(page, '试着补充：');
  await expectText(page, '逐条评分要点');
  await expectText(page, '评分器有多确定');
  const marks = await page.locator('mark').count();
  if (marks < 1) throw new Error('no evidence clause is highlighted in the answer');
  step(`${marks} evidence clause(s) highlighted`);
  const order = await page.evaluate(() => {
    const tips = document.querySelector('[class*="st-key-practice_feedback_"][class*="_tips"]');
    const question = [...document.querySelectorAll('h3')].find((h) => h.textContent.includes('团队冲突处理'));
    return tips && question ? tips.getBoundingClientRect().top < question.getBoundingClientRect().top : null;
  });
  if (order !== true) throw new Error(`the next steps are not above the question (${order})`);
  step('next steps shown above the question');
  await screenshot(page, shot('practice_feedback.png'));

  step('follow-up: answer the one about the cause of the conflict');
  await expectText(page, '追问：补上遗漏的要点');
  await chooseOption(page, '选择一个追问来回答', '分析冲突的核心');
  await fillTextArea(page, '你对追问的回答', FOLLOW_UP);
  await clickButton(page, '提交追问回答');
  await expectText(page, '通过追问补充了：');
  await expectText(page, '🔁 通过追问补充');
  await expectText(page, '已回答的追问');
  step('a missed point was lifted by the follow-up answer');
  await screenshot(page, shot('practice_follow_up.png'));
});
