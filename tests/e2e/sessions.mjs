// A mock session for a candidate's account, then the candidate reading their report.
// The interviewer (cookie token $E2E_SESSIONS.interviewer) picks the candidate's account,
// answers and rates the first question (the machine score appears without a "Score" click),
// asks a follow-up about a missed point and sees it lifted, shares a note on the second
// question, finishes and downloads the full report's PDF. The candidate then signs in, finds
// the session under My progress and reads their report: the shared note, no private note, no
// agreement statistics; their PDF is downloaded too (test_browser.py reads both PDFs).
import {
  chooseOption,
  clickButton,
  expectNoText,
  expectText,
  fillInput,
  fillTextArea,
  openApp,
  runE2E,
  screenshot,
  step,
  useToken,
  waitForApp,
} from './helpers.mjs';

const cfg = JSON.parse(process.env.E2E_SESSIONS || '{}');
if (!cfg.interviewer || !cfg.candidate) throw new Error('E2E_SESSIONS with tokens is required');

async function chooseInSelectbox(page, label, option) {
  step(`select "${option}" in "${label}"`);
  const select = page
    .locator('[data-testid="stSelectbox"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: label }) })
    .first();
  const box = select.locator('input, [role="combobox"]').first();
  await box.click();
  // The list is virtualised (only the options in view exist); typing filters it, so the
  // option is found however many accounts other tests on this server created.
  await page.keyboard.type(option);
  await page.locator('[role="option"]').filter({ hasText: option }).first().click();
  await waitForApp(page);
}

async function openExpander(page, text) {
  step(`open expander "${text}"`);
  await page.locator('[data-testid="stExpander"] summary').filter({ hasText: text }).first().click();
  await page.waitForTimeout(400);
}

async function downloadPdf(page, file) {
  step(`download the PDF to ${file}`);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 90_000 }),
    page.getByRole('button', { name: 'PDF' }).first().click(),
  ]);
  await download.saveAs(file);
}

await runE2E('sessions', async ({ page, browser, url, shot }) => {
  await useToken(page, url, cfg.interviewer);
  await page.goto(url + '/mock_session', { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, '模拟面试', { selector: 'h1' });
  await page.getByRole('tab', { name: '新建' }).click();
  await page.waitForTimeout(400);

  await chooseInSelectbox(page, '候选人账户', cfg.candidateName);
  await expectNoText(page, '或：外部候选人姓名');
  await fillInput(page, '标题（可选）', cfg.title);
  await page.keyboard.press('Tab');
  await waitForApp(page);
  await screenshot(page, shot('mock_session_new.png'));
  await clickButton(page, '开始模拟面试');
  await expectText(page, `候选人：${cfg.candidateName}`);

  await fillTextArea(page, '候选人的回答', cfg.answer);
  await expectNoText(page, '系统得分（百分制）');
  await chooseOption(page, '整体评级（1–5）', '3 · 合格');
  await expectText(page, '系统得分（百分制）', { timeout: 60_000 });
  step('the machine score appeared once the answer was rated, without a Score click');
  await fillTextArea(page, '备注（自动保存）', cfg.private);

  await openExpander(page, '追问未覆盖的要点');
  await fillTextArea(page, '候选人对追问的回答', cfg.followUp, { wait: false });
  await page.keyboard.press('Tab');
  await waitForApp(page);
  await clickButton(page, '评分追问回答');
  await expectText(page, '经追问补上', { timeout: 60_000 });
  step('a missed point was lifted by the follow-up answer');
  await screenshot(page, shot('mock_session_rated.png'));

  await clickButton(page, '下一题 →');
  await fillTextArea(page, '候选人的回答', cfg.answer2);
  await chooseOption(page, '整体评级（1–5）', '2 · 待提高');
  await fillTextArea(page, '备注（自动保存）', cfg.shared);
  step('share the note with the candidate');
  await page.getByText('与候选人分享此备注').first().click();
  await waitForApp(page);

  await clickButton(page, '结束面试');
  await waitForApp(page);
  await expectText(page, '总体结果', { timeout: 60_000 });
  await expectText(page, '做得好的地方');
  await expectText(page, '面试官与系统评分对比');
  await openExpander(page, cfg.firstTitle);
  await expectText(page, cfg.private);
  await expectText(page, '经追问补上');
  await screenshot(page, shot('session_report_interviewer.png'));
  await downloadPdf(page, cfg.interviewerPdf);

  step('the candidate signs in on another browser');
  const candidatePage = await openApp(browser, url);
  await useToken(candidatePage, url, cfg.candidate);
  await candidatePage.goto(url + '/history', { waitUntil: 'domcontentloaded' });
  await waitForApp(candidatePage);
  await expectText(candidatePage, '我的模拟面试');
  await expectText(candidatePage, cfg.title);
  await expectText(candidatePage, '建议的下一步');
  await expectText(candidatePage, cfg.shared);
  await openExpander(candidatePage, cfg.firstTitle);
  await expectText(candidatePage, '经追问补上');
  await expectNoText(candidatePage, cfg.private);
  await expectNoText(candidatePage, '面试官与系统评分对比');
  await expectNoText(candidatePage, 'Cohen');
  step('the candidate sees no private note and no agreement statistics');
  await screenshot(candidatePage, shot('candidate_report.png'));
  await downloadPdf(candidatePage, cfg.candidatePdf);
});
