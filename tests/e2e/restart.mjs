// A server restart keeps a browser signed in and a guest's drafts: a second app process on
// the same database ($E2E_RESTART: {second, username, password}) stands for the restarted
// server; cookies are per host, not per port, so the same browser carries them over.
import {
  clickButton,
  expectText,
  fillInput,
  fillTextArea,
  runE2E,
  screenshot,
  step,
  waitForApp,
} from './helpers.mjs';

const config = JSON.parse(process.env.E2E_RESTART || '{}');
if (!config.second) throw new Error('E2E_RESTART is required');
const DRAFT = 'Typed before the restart, never committed by leaving the box.';

async function visit(page, address) {
  await page.goto(address, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
}

await runE2E('restart', async ({ page, url, shot }) => {
  await visit(page, `${url}/?lang=en`);
  await clickButton(page, 'Start', { exact: true });
  await fillTextArea(page, 'Your answer', DRAFT, { commit: false });
  await page.locator('[data-autosave-status][data-state="ok"]').first().waitFor({ timeout: 20_000 });

  step("the guest's draft on the new process");
  await visit(page, `${config.second}/?lang=en`);
  const restored = await page.getByLabel('Your answer').inputValue();
  if (restored !== DRAFT) throw new Error(`draft lost across the restart: ${JSON.stringify(restored)}`);

  step(`sign in as ${config.username} on the first process`);
  await visit(page, `${url}/account?lang=en`);
  await fillInput(page, 'User name', config.username);
  await fillInput(page, 'Password', config.password);
  await clickButton(page, 'Sign in', { exact: true, wait: false });
  const deadline = Date.now() + 60_000;
  while (!(await page.context().cookies()).some((c) => c.name === 'interview_session')) {
    if (Date.now() > deadline) throw new Error('no session cookie after sign-in');
    await page.waitForTimeout(200);
  }
  await page.waitForTimeout(800);
  await visit(page, `${config.second}/account?lang=en`);
  await expectText(page, 'Signed in as');
  step('signed in on the new process');
  await screenshot(page, shot('identity_after_restart.png'));
});
