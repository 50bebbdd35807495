// The Users page as the administrator: create an account in Chinese, read the success message,
// see the form emptied (no password kept) and the new account in the localised table; then a
// taken user name is refused in Chinese with the form's own field name. Signed in through the
// session cookie with $E2E_USERS_TOKEN (prepared by test_browser.py).
import { clickButton, expectNoText, expectText, fillInput, runE2E, screenshot, step, useToken, waitForApp } from './helpers.mjs';

const token = process.env.E2E_USERS_TOKEN;
if (!token) throw new Error('E2E_USERS_TOKEN is required');

function input(page, label) {
  return page
    .locator('[data-testid="stTextInput"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: label }) })
    .locator('input')
    .first();
}

async function createAccount(page, username, name, password) {
  await fillInput(page, '用户名', username);
  await fillInput(page, '显示名称', name);
  await fillInput(page, '初始密码', password);
  await clickButton(page, '创建');
}

await runE2E('users', async ({ page, url, shot }) => {
  await useToken(page, url, token);
  await page.goto(url + '/users', { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, '用户管理', { selector: 'h1' });

  await createAccount(page, 'chen.cand', '陈候选人', 'a-quiet-lighthouse-4');
  await expectText(page, '已创建账户“chen.cand”（陈候选人，候选人）');
  for (const label of ['用户名', '显示名称', '初始密码']) {
    const value = await input(page, label).inputValue();
    if (value !== '') throw new Error(`"${label}" still holds "${value}" after the create`);
  }
  step('the form is empty after the create');
  await screenshot(page, shot('users_created.png'));

  await createAccount(page, 'chen.cand', '另一个陈', 'a-quiet-lighthouse-5');
  await expectText(page, '用户名“chen.cand”已被使用，请换一个。');
  await expectNoText(page, 'already taken');
  const kept = await input(page, '显示名称').inputValue();
  if (kept !== '另一个陈') throw new Error(`the refused form lost its input: "${kept}"`);
  step('a refused create keeps the input');
  await screenshot(page, shot('users_refused.png'));
});
