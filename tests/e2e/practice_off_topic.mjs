// An answer to another question of the bank: the feedback says the answer seems to address a
// different question and names the one it reads like, in both languages.
// Run through test_browser.py, or by hand: node tests/e2e/practice_off_topic.mjs <app-url> <shot-dir>
import { clickButton, expectText, fillTextArea, runE2E, screenshot, step } from './helpers.mjs';

// The interview-style strong answer to cs-sit-01 (a sudden surge in contact volume), typed
// against the first practice question, cs-beh-01 (a conflict between two team members).
const ANSWER = "好，就是说两个小时以后量会翻好几倍，人和系统都是平时的配置。我会把这两个小时拆成几件事同时推。\n第一是人。我马上跟上级报告，说明要启动应急预案，然后让排班的同事给今天休息的人打电话，能远程登录的就远程登录；其次是质检、培训组里那些接过线的同事，全部准备上线；如果公司有合作的外包坐席，我会问他们能不能临时加开十到二十个席位。\n第二是口径和分流。我会去找公关或者法务，尽快拿到公司对这个新闻的正式说法，然后录一段语音放在热线最前面，官网和App首页挂公告，在线机器人把五六个最可能被问到的问题加进去。再给坐席发一份统一的回答要点，不能每个人说的都不一样。\n第三是路由。跟IT一起把和新闻相关的来电单独分一个队列，VIP客户和涉及退款、安全这种急的优先接，普通咨询在语音菜单里给个选项可以留号码，高峰过了我们再回拨。\n第四，高峰来了以后我自己盯着实时数据，排队人数、接通率、平均等待时长，电话和在线哪边压力大就往哪边调人，差不多每十分钟看一次。\n最后过了高峰，整理一下数据，看看哪里做的不好，把预案改一改。";

await runE2E('practice_off_topic', async ({ page, shot }) => {
  await expectText(page, '练习', { selector: 'h1', exact: true });
  await clickButton(page, '开始练习');
  await expectText(page, '团队冲突处理', { selector: 'h3' });
  await fillTextArea(page, '你的回答', ANSWER);
  await clickButton(page, '提交评分');
  await expectText(page, '回答似乎针对的是另一道题。');
  await expectText(page, '它更像是在回答「突发流量高峰应对」这道题。');
  await screenshot(page, shot('practice_off_topic_zh.png'));
  await page.getByRole('radio', { name: 'English' }).click({ force: true });
  await expectText(page, 'It reads like an answer to “Handling a sudden surge in contact volume”.');
  await screenshot(page, shot('practice_off_topic_en.png'));
  step('named the question it answers, in both languages');
});
