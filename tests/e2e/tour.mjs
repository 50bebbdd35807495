// A tour of the main pages as each role, for the screenshots in docs/: the pages are opened by
// address, signed in through the session cookie (a token test_browser.py prepares; addresses
// never carry one), and each must show its expected text. The stops come as JSON in
// $E2E_TOUR: [{path, token, expect, shot}] (token null: a guest).
import { expectText, runE2E, screenshot, step, useToken, waitForApp } from './helpers.mjs';

const stops = JSON.parse(process.env.E2E_TOUR || '[]');
if (!stops.length) throw new Error('E2E_TOUR is empty');

await runE2E('tour', async ({ page, url, shot }) => {
  for (const stop of stops) {
    step(`visit ${stop.path}${stop.token ? ' (signed in)' : ''}`);
    await useToken(page, url, stop.token);
    await page.goto(url + stop.path, { waitUntil: 'domcontentloaded' });
    await waitForApp(page);
    await expectText(page, stop.expect, { timeout: 60_000 });
    if (/[?&](auth|guest)=/.test(page.url())) throw new Error(`a credential in ${page.url()}`);
    await screenshot(page, shot(stop.shot));
  }
});
