// Browser end-to-end helpers: Debian's Chromium (/usr/bin/chromium) driven by playwright-core.
//
// A test script is an ES module run as `node tests/e2e/<name>.mjs <app-url> <screenshot-dir>`
// (tests/e2e/test_browser.py starts the Streamlit server and runs it). Write it as:
//
//   import { runE2E, clickButton, fillTextArea, selectPage, chooseOption, expectText,
//            expectNoText, screenshot } from './helpers.mjs';
//
//   await runE2E('practice_flow', async ({ page, shot }) => {
//     // runE2E has opened <app-url> and waited for the first script run to finish.
//     await selectPage(page, 'Practice');                  // sidebar (or top) navigation link
//     await chooseOption(page, 'Language / 语言', 'English'); // radio/segmented control/pills
//     await fillTextArea(page, 'Your answer', 'I would first listen to the customer...');
//     await clickButton(page, 'Score');                    // waits for the rerun to finish
//     await expectText(page, 'Rubric points');             // fails after a timeout if absent
//     await screenshot(page, shot('practice_flow.png'));   // full page, into <screenshot-dir>
//   });
//
// Every action helper waits for Streamlit to finish the rerun it triggers (waitForApp), and
// waitForApp fails if the app shows an exception. runE2E prints `E2E STEP ...` lines as it
// goes, `E2E OK <name>` and exit 0 on success; on failure it saves <name>-failure.png into
// the screenshot dir, prints `E2E FAIL <name>: <reason>` (and the browser's console errors)
// and exits 1. Lower-level: launchBrowser() / openApp(browser, url) give a bare page.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium); E2E_TIMEOUT_MS caps the whole
// script (default 300000); E2E_APP_TIMEOUT_MS caps each wait for the app (default 120000:
// the first run loads models, which is slow on a small machine).

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const APP_TIMEOUT_MS = Number(process.env.E2E_APP_TIMEOUT_MS || 120_000);
export const SCRIPT_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 300_000);
export const ACTION_TIMEOUT_MS = 15_000;

// Flags that make Debian's Chromium run headless in a container with no network chatter.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Print one progress line (pytest shows the output when the test fails). */
export function step(message) {
  console.log(`E2E STEP ${message}`);
}

/** Launch headless Chromium (Playwright gives it a fresh temporary profile). */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no browser at ${CHROMIUM_PATH}: apt-get install -y chromium chromium-driver`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** New page (1280x900, English locale) at `url`, once the app's first run has finished. */
export async function openApp(browser, url, { timeout = APP_TIMEOUT_MS } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => page.consoleErrors.push(String(err)));
  step(`open ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  await waitForApp(page, { timeout });
  return page;
}

/** The app's state as the page shows it: script state, connection, status widget, errors. */
async function appState(page) {
  return page.evaluate(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const widget = document.querySelector('[data-testid="stStatusWidget"]');
    const exception = document.querySelector('[data-testid="stException"]');
    return {
      present: Boolean(app),
      script: app ? app.getAttribute('data-test-script-state') : null,
      connection: app ? app.getAttribute('data-test-connection-state') : null,
      running: Boolean(widget && /Running/i.test(widget.textContent || '')),
      exception: exception ? (exception.innerText || '').slice(0, 2000) : null,
    };
  });
}

/**
 * Wait until Streamlit has finished running the script: `[data-testid="stApp"]` is there,
 * connected, its script state is "notRunning", the "Running..." status widget is gone, and
 * all that has held for `quietMs` (a widget change starts its rerun a moment after the click,
 * so a single idle reading right after an action is not enough). Throws on timeout, on a
 * compilation error, and (unless `allowException`) when the page shows an exception.
 */
export async function waitForApp(page, { timeout = APP_TIMEOUT_MS, quietMs = 600, allowException = false } = {}) {
  const deadline = Date.now() + timeout;
  let idleSince = null;
  let state = null;
  while (Date.now() < deadline) {
    state = await appState(page);
    if (state.script === 'compilationError') throw new Error('the app script failed to compile');
    const idle =
      state.present && state.connection === 'CONNECTED' && state.script === 'notRunning' && !state.running;
    if (idle) {
      idleSince ??= Date.now();
      if (Date.now() - idleSince >= quietMs) {
        if (state.exception && !allowException) {
          throw new Error(`the app shows an exception:\n${state.exception}`);
        }
        return;
      }
    } else {
      idleSince = null;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`Streamlit did not finish running within ${timeout} ms (last state ${JSON.stringify(state)})`);
}

/** Click the button whose text is `text` (exact match first, then substring), then wait. */
export async function clickButton(page, text, { exact, wait = true } = {}) {
  step(`click button "${text}"`);
  let button = page.getByRole('button', { name: text, exact: true });
  if (exact === false || (exact === undefined && (await button.count()) === 0)) {
    button = page.getByRole('button', { name: text });
  }
  await button.first().click();
  if (wait) await waitForApp(page);
}

/**
 * Type `value` into the text area labelled `label` (st.text_area's label), then commit it:
 * `commit: 'blur'` (default; Streamlit sends the value when the box loses focus),
 * `'ctrlEnter'` (Ctrl+Enter; also submits an st.form) or `false` (leave it uncommitted).
 */
export async function fillTextArea(page, label, value, { commit = 'blur', wait = true } = {}) {
  step(`fill text area "${label}"`);
  const box = page
    .locator('[data-testid="stTextArea"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: label }) })
    .locator('textarea')
    .first();
  await box.fill(value);
  if (commit === 'ctrlEnter') await box.press('Control+Enter');
  else if (commit === 'blur') await box.blur();
  if (wait && commit) await waitForApp(page);
}

/**
 * Go to the app page whose navigation link text contains `text` (sidebar or top nav), then
 * wait. With `ifPresent: true` a missing link is not an error: returns false and stays put.
 */
export async function selectPage(page, text, { wait = true, ifPresent = false } = {}) {
  const links = page.locator('[data-testid="stSidebarNavLink"], [data-testid="stTopNavLink"]');
  let link = links.filter({ hasText: text }).first();
  if (!(await link.isVisible())) {
    const more = page.locator('[data-testid="stSidebarNavViewButton"]'); // "View more" in a long list
    if (await more.isVisible()) await more.click();
    link = links.filter({ hasText: text }).first();
    if (ifPresent && !(await link.isVisible())) {
      step(`no page link "${text}"`);
      return false;
    }
  }
  step(`select page "${text}"`);
  await link.click();
  if (wait) await waitForApp(page);
  return true;
}

/**
 * Choose option `option` (its shown text, substring match) of the st.radio,
 * st.segmented_control or st.pills whose label contains `label`, then wait.
 */
export async function chooseOption(page, label, option, { wait = true } = {}) {
  step(`choose "${option}" in "${label}"`);
  const widget = page
    .locator('[data-testid="stRadio"], [data-testid="stButtonGroup"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: label }) })
    .first();
  await widget
    .locator('[data-testid="stRadioGroup"] label, button')
    .filter({ hasText: option })
    .first()
    .click();
  if (wait) await waitForApp(page);
}

/** Alias of chooseOption, for st.radio. */
export const selectRadio = chooseOption;

/**
 * Wait until `text` is visible (substring match unless `exact`). `selector` narrows where to
 * look, e.g. 'h1' for the page title or '[data-testid="stSidebar"]'.
 */
export async function expectText(page, text, { selector, exact = false, timeout = ACTION_TIMEOUT_MS } = {}) {
  step(`expect text "${text}"${selector ? ` in ${selector}` : ''}`);
  const scope = selector ? page.locator(selector) : page.locator('body');
  const hit = scope.getByText(text, { exact }).first();
  if (await hit.isVisible()) return;
  try {
    await hit.waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`text "${text}" did not appear${selector ? ` in ${selector}` : ''} within ${timeout} ms`);
  }
}

/** Fail if `text` is visible (checked once, after the app has settled). */
export async function expectNoText(page, text, { selector, exact = false } = {}) {
  step(`expect no text "${text}"${selector ? ` in ${selector}` : ''}`);
  const scope = selector ? page.locator(selector) : page.locator('body');
  const hits = scope.getByText(text, { exact });
  const n = await hits.count();
  for (let i = 0; i < n; i += 1) {
    if (await hits.nth(i).isVisible()) throw new Error(`text "${text}" is shown but should not be`);
  }
}

/**
 * Full-page PNG screenshot to `file` (folders created). Streamlit scrolls inside its main
 * container rather than the document, so the viewport is stretched to the content's height
 * for the shot (up to `maxHeight`) and restored after.
 */
export async function screenshot(page, file, { maxHeight = 12_000 } = {}) {
  step(`screenshot ${file}`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => {
    const boxes = ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]', '[data-testid="stSidebarContent"]']
      .map((s) => document.querySelector(s))
      .filter(Boolean);
    return Math.max(document.documentElement.scrollHeight, ...boxes.map((el) => el.scrollHeight));
  });
  const tall = Math.min(Math.max(height, viewport.height), maxHeight);
  if (tall > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height: tall });
    await page.waitForTimeout(300);
  }
  try {
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    if (tall > viewport.height) await page.setViewportSize(viewport);
  }
}

/**
 * Run one test script: read `<app-url> <screenshot-dir>` from the command line, launch the
 * browser, open the app, call `body({ page, browser, url, shotDir, shot })` (`shot(name)` is
 * the path of `name` in the screenshot dir), close the browser and exit 0, or 1 on failure.
 */
export async function runE2E(name, body) {
  const [url, shotDir] = process.argv.slice(2);
  if (!url || !shotDir) {
    console.error(`usage: node ${process.argv[1]} <app-url> <screenshot-dir>`);
    process.exit(2);
  }
  fs.mkdirSync(shotDir, { recursive: true });
  const shot = (file) => path.join(shotDir, file);
  const watchdog = setTimeout(() => {
    console.log(`E2E FAIL ${name}: the whole script took over ${SCRIPT_TIMEOUT_MS} ms`);
    process.exit(1);
  }, SCRIPT_TIMEOUT_MS);
  watchdog.unref();

  let browser;
  let page;
  let failed = false;
  const started = Date.now();
  try {
    browser = await launchBrowser();
    page = await openApp(browser, url);
    await body({ page, browser, url, shotDir, shot });
  } catch (err) {
    failed = true;
    console.log(`E2E FAIL ${name}: ${err && err.stack ? err.stack : err}`);
    if (page) {
      for (const line of page.consoleErrors) console.log(`E2E CONSOLE ${line}`);
      await page
        .screenshot({ path: shot(`${name}-failure.png`), fullPage: true })
        .then(() => console.log(`E2E failure screenshot: ${shot(`${name}-failure.png`)}`))
        .catch(() => {});
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
  if (!failed) console.log(`E2E OK ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  process.exit(failed ? 1 : 0);
}

/** The app's identity cookies (server/cookies.py): HttpOnly, set by the server only. */
export const AUTH_COOKIE = 'interview_session';
export const GUEST_COOKIE = 'interview_guest';

/**
 * Make the page's browser context signed in with `token` (a token test_browser.py made with
 * accounts.sign_in), as the server's sign-in endpoint would: an HttpOnly, SameSite=Lax
 * cookie. `token` null clears the identity cookies (the next page load is a new guest).
 */
export async function useToken(page, url, token) {
  const context = page.context();
  await context.clearCookies();
  if (token) {
    await context.addCookies([
      { name: AUTH_COOKIE, value: token, url, httpOnly: true, sameSite: 'Lax' },
    ]);
  }
}

/** Fill the st.text_input labelled `label` and press Tab (commit) without waiting. */
export async function fillInput(page, label, value) {
  step(`fill input "${label}"`);
  const box = page
    .locator('[data-testid="stTextInput"]')
    .filter({ has: page.locator('[data-testid="stWidgetLabel"]', { hasText: label }) })
    .locator('input')
    .first();
  await box.fill(value);
}
