// Identity out of the address bar, a shared browser made safe, drafts saved while typing
// (issue 12). $E2E_IDENTITY (JSON, from test_browser.py): {password, first, second, old_token}
// - two candidates' user names, their password, and a valid token for an old-style ?auth= link.
// Run through test_browser.py, or by hand: node tests/e2e/identity.mjs <app-url> <shot-dir>
import {
  AUTH_COOKIE,
  GUEST_COOKIE,
  clickButton,
  expectNoText,
  expectText,
  fillInput,
  fillTextArea,
  openApp,
  runE2E,
  screenshot,
  step,
  waitForApp,
} from './helpers.mjs';

const config = JSON.parse(process.env.E2E_IDENTITY || '{}');
if (!config.password) throw new Error('E2E_IDENTITY is required');
const GUEST_DRAFT = 'A guest typed this private draft and never left the box.';
const CANDIDATE_DRAFT = 'The first candidate typed this private draft before signing out.';
const ANSWER_BOX = '[data-testid="stTextArea"] textarea';

async function cookieNamed(page, name) {
  return (await page.context().cookies()).find((c) => c.name === name);
}

/** Wait until the identity cookie is there (or gone) and the reloaded page has settled. */
async function waitForCookie(page, present) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (Boolean(await cookieNamed(page, AUTH_COOKIE)) === present) {
      await page.waitForTimeout(800); // the bridge reloads right after the cookie is set
      await page.waitForLoadState('domcontentloaded');
      await waitForApp(page);
      return;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`the session cookie was not ${present ? 'set' : 'removed'} within 60 s`);
}

async function signIn(page, url, username) {
  step(`sign in as ${username}`);
  await page.goto(`${url}/account?lang=en`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await fillInput(page, 'User name', username);
  await fillInput(page, 'Password', config.password);
  await clickButton(page, 'Sign in', { exact: true, wait: false });
  await waitForCookie(page, true);
  await expectText(page, 'Signed in as', { timeout: 30_000 });
}

async function signOut(page, url) {
  step('sign out');
  await page.goto(`${url}/account?lang=en`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await clickButton(page, 'Sign out', { exact: true, wait: false });
  await waitForCookie(page, false);
  await expectText(page, 'Signed out.', { selector: '[data-testid="stSidebar"]' });
}

async function boxValues(page) {
  return page.locator(ANSWER_BOX).evaluateAll((boxes) => boxes.map((b) => b.value));
}

async function typeAndWaitForAutosave(page, text, { failFirst = false, label = 'Your answer' } = {}) {
  let failures = failFirst ? 1 : 0;
  if (failFirst) {
    await page.route('**/app-api/draft', (route) => (failures-- > 0 ? route.abort() : route.continue()));
  }
  await fillTextArea(page, label, text, { commit: false });
  if (failFirst) {
    step('the first save fails: the line under the box says so, the text stays');
    await page.locator('[data-autosave-status][data-state="error"]').first().waitFor({ timeout: 20_000 });
    await expectText(page, 'could not be saved');
    const kept = await page.getByLabel(label).inputValue();
    if (kept !== text) throw new Error(`the text changed after a failed save: ${JSON.stringify(kept)}`);
    await screenshot(page, shot('identity_draft_save_failed.png'));
  }
  step('wait for the draft to be saved while the box keeps the focus');
  await page.locator('[data-autosave-status][data-state="ok"]').first().waitFor({ timeout: 20_000 });
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
  if (focused !== 'TEXTAREA') throw new Error(`the answer box lost the focus (${focused})`);
}

let shot = (name) => name;

await runE2E('identity', async ({ page, browser, url, shot: shotPath }) => {
  shot = shotPath;
  // --- 1. the address bar after sign-in ---------------------------------------------------
  await signIn(page, url, config.first);
  const address = page.url();
  step(`address after sign-in: ${address}`);
  if (/[?&](auth|guest)=/.test(address)) throw new Error(`credentials in the address: ${address}`);
  const session = await cookieNamed(page, AUTH_COOKIE);
  if (!session.httpOnly || session.sameSite !== 'Lax') {
    throw new Error(`session cookie is not HttpOnly/SameSite=Lax: ${JSON.stringify(session)}`);
  }
  if (address.includes(session.value)) throw new Error('the token is in the address');
  const visible = await page.evaluate(() => document.cookie);
  if (visible.includes(AUTH_COOKIE)) throw new Error('page scripts can read the session cookie');
  await screenshot(page, shot('identity_signed_in.png'));

  step('reload: still signed in');
  await page.reload({ waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await expectText(page, 'Signed in as');

  // --- 2. a copied address, and an old-style ?auth= link, in a fresh browser --------------
  for (const link of [address, `${url}/account?lang=en&auth=${config.old_token}`]) {
    step(`open ${link.replace(config.old_token, '<valid token>')} in a fresh browser`);
    const stranger = await openApp(browser, link);
    await expectText(stranger, 'User name');
    await expectNoText(stranger, 'Signed in as');
    if (/[?&]auth=/.test(stranger.url())) throw new Error('the ?auth= parameter stayed');
    if (link !== address) await screenshot(stranger, shot('identity_copied_link.png'));
    await stranger.context().close();
  }

  // --- 3 + 4. a shared tab; a draft typed and reloaded without leaving the box ------------
  const tab = await openApp(browser, `${url}/?lang=en`);
  const guestKey = (await cookieNamed(tab, GUEST_COOKIE)).value;
  step('a guest starts a set and types without leaving the box');
  await clickButton(tab, 'Start', { exact: true });
  await typeAndWaitForAutosave(tab, GUEST_DRAFT);
  step('reload while the box still has the focus: the draft comes back');
  await tab.reload({ waitUntil: 'domcontentloaded' });
  await waitForApp(tab);
  const restored = await tab.getByLabel('Your answer').inputValue();
  if (restored !== GUEST_DRAFT) throw new Error(`draft lost on reload: ${JSON.stringify(restored)}`);
  await screenshot(tab, shot('identity_draft_restored.png'));
  if ((await cookieNamed(tab, GUEST_COOKIE)).value !== guestKey) throw new Error('guest changed');

  await signIn(tab, url, config.second);
  await tab.goto(`${url}/?lang=en`, { waitUntil: 'domcontentloaded' });
  await waitForApp(tab);
  await expectNoText(tab, GUEST_DRAFT);
  if ((await boxValues(tab)).includes(GUEST_DRAFT)) throw new Error("the guest's draft is shown");
  await clickButton(tab, 'Start', { exact: true });
  if ((await boxValues(tab)).some((v) => v)) throw new Error('the candidate sees a filled box');
  await typeAndWaitForAutosave(tab, CANDIDATE_DRAFT, { failFirst: true });
  await screenshot(tab, shot('identity_shared_tab_candidate.png'));

  await signOut(tab, url);
  if ((await cookieNamed(tab, GUEST_COOKIE))?.value === guestKey) {
    throw new Error('after sign-out the browser is the previous guest again');
  }
  await tab.goto(`${url}/?lang=en`, { waitUntil: 'domcontentloaded' });
  await waitForApp(tab);
  await expectNoText(tab, CANDIDATE_DRAFT);
  await expectNoText(tab, GUEST_DRAFT);
  const after = await boxValues(tab);
  if (after.includes(CANDIDATE_DRAFT) || after.includes(GUEST_DRAFT)) {
    throw new Error(`a previous person's draft is shown after sign-out: ${JSON.stringify(after)}`);
  }
  await expectText(tab, 'Guest (not signed in)');
  await screenshot(tab, shot('identity_after_sign_out.png'));
  await tab.context().close();

  // --- 5. the mock-session answer box saves while typing too ------------------------------
  const desk = await openApp(browser, `${url}/account?lang=en`);
  await signIn(desk, url, config.interviewer);
  await desk.goto(`${url}/mock_session?session=${config.mock_session}&lang=en`, {
    waitUntil: 'domcontentloaded',
  });
  await waitForApp(desk);
  const transcript = 'Transcribed while the candidate spoke; the box never lost the focus.';
  await typeAndWaitForAutosave(desk, transcript, { label: "The candidate's answer" });
  step('reload the mock session: the answer comes back');
  await desk.reload({ waitUntil: 'domcontentloaded' });
  await waitForApp(desk);
  const answer = await desk.getByLabel("The candidate's answer").inputValue();
  if (answer !== transcript) throw new Error(`mock answer lost on reload: ${JSON.stringify(answer)}`);
  if (/[?&](auth|guest)=/.test(desk.url())) throw new Error(`a credential in ${desk.url()}`);
  await screenshot(desk, shot('identity_mock_answer_restored.png'));
  await desk.context().close();

  // --- 6. changing one's own password keeps this browser signed in -----------------------
  step('change the password on the Account page');
  const before = (await cookieNamed(page, AUTH_COOKIE)).value;
  await page.goto(`${url}/account?lang=en`, { waitUntil: 'domcontentloaded' });
  await waitForApp(page);
  await fillInput(page, 'Current password', config.password);
  await fillInput(page, 'New password (', 'a-quiet-lighthouse-4');
  await fillInput(page, 'New password again', 'a-quiet-lighthouse-4');
  await clickButton(page, 'Change password', { exact: true, wait: false });
  const deadline = Date.now() + 60_000;
  while ((await cookieNamed(page, AUTH_COOKIE))?.value === before) {
    if (Date.now() > deadline) throw new Error('the session cookie was not renewed');
    await page.waitForTimeout(200);
  }
  await page.waitForTimeout(800);
  await waitForApp(page);
  await expectText(page, 'Password changed', { selector: '[data-testid="stSidebar"]' });
  await expectText(page, 'Signed in as');
  await screenshot(page, shot('identity_password_changed.png'));
});
