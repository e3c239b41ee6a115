// Shared set-up for the browser tests: the running server (started by
// scripts/test.d/70-web.sh), Debian's Chromium through playwright-core,
// sign-in links from mosaic-admin, and screenshots under test-output/.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A variable the test step must set; the tests fail (never skip) without it. */
export function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests through scripts/test (scripts/test.d/70-web.sh starts mosaic-api)`);
  }
  return value;
}

/** The base URL of the running mosaic-api, e.g. http://127.0.0.1:41234. */
export const baseUrl = () => required('MOSAIC_TEST_WEB_URL');

/** Starts headless Chromium (Debian's, never a downloaded one). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.MOSAIC_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A new browser context (own cookies) at a phone or desktop size. */
export async function newContext(browser, { phone = false } = {}) {
  const context = await browser.newContext({
    baseURL: baseUrl(),
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/**
 * A one-time sign-in link for `email` (account created if missing), made by
 * the admin CLI against the same data directory as the running server.
 */
export async function signInLink(email, name) {
  const admin = process.env.MOSAIC_TEST_ADMIN_BIN ?? path.join(repoRoot, 'target/debug/mosaic-admin');
  const { stdout } = await run(admin, ['login-link', '--email', email, '--create', '--name', name], {
    env: process.env,
    timeout: 30_000,
  });
  const link = stdout.match(/https?:\/\/\S+\/sign-in\?token=[A-Za-z0-9_-]+/);
  if (!link) throw new Error(`mosaic-admin login-link printed no link:\n${stdout}`);
  return link[0];
}

/** Opens a sign-in link, presses "Sign in", and waits for the home page. */
export async function signIn(page, link) {
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'My legacies' }).waitFor();
}

/** A unique suffix so tests sharing one server never see each other's data. */
export function unique() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page, name) {
  const dir = process.env.MOSAIC_TEST_SCREENSHOT_DIR ?? path.join(repoRoot, 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Creates a legacy through the UI and waits for its page; returns its URL path. */
export async function createLegacy(page, { name, birthDate, deathDate, biography }) {
  await page.goto('/');
  await page.getByRole('link', { name: 'Create Legacy' }).click();
  await page.getByLabel('Name').fill(name);
  if (birthDate) await page.getByLabel('Date of birth (optional)').fill(birthDate);
  if (deathDate) await page.getByLabel('Date of death (optional)').fill(deathDate);
  if (biography) await page.getByLabel('Short biography (optional)').fill(biography);
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  return new URL(page.url()).pathname;
}

const VISIBILITY_LABEL = { public: 'Public', private: 'Family', personal: 'Only me' };

/** Writes a story on the legacy page at `legacyPath` and waits until it is listed. */
export async function writeStory(page, legacyPath, { title, content, visibility }) {
  await page.goto(legacyPath);
  await page.getByRole('link', { name: 'Write Story' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Story', { exact: true }).fill(content);
  await page.getByRole('radio', { name: VISIBILITY_LABEL[visibility] }).check();
  await page.getByRole('button', { name: 'Save story' }).click();
  await page.getByRole('link', { name: title }).waitFor();
}

/**
 * Runs axe-core's WCAG 2.1 A/AA rules (labels, contrast, landmarks, names…)
 * on the page and returns the violations, each summarised in one line.
 */
export async function accessibilityViolations(page) {
  const { createRequire } = await import('node:module');
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  // The app's Content-Security-Policy allows no inline script, so axe-core
  // is not injected as a <script>: it is evaluated through the DevTools
  // protocol, which the page's policy does not govern.
  const { readFile } = await import('node:fs/promises');
  await page.evaluate(`${await readFile(axePath, 'utf8')}\n;undefined`);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  return violations;
}

/** True when the page is wider than the window (a phone would scroll sideways). */
export async function overflowsHorizontally(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}

/** A real PNG or JPEG (drawn on a canvas in the page), as bytes. */
export async function drawnImage(page, type, colour) {
  const base64 = await page.evaluate(
    ([mime, fill]) => {
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      const context = canvas.getContext('2d');
      context.fillStyle = fill;
      context.fillRect(0, 0, 640, 480);
      context.fillStyle = '#ffffff';
      context.fillRect(160, 120, 320, 240);
      return canvas.toDataURL(mime, 0.9).split(',')[1];
    },
    [type, colour],
  );
  return Buffer.from(base64, 'base64');
}

/**
 * Makes the provider sign in as this person (its `login_hint` convention, see
 * adapters/google/tests/oidc-server/server.mjs). The hint is added to the
 * server's redirect to the provider: redirected requests cannot be routed, so
 * the redirect itself is fetched and answered with the hint added.
 */
export async function providerSignsInAs(context, claims) {
  const issuer = new URL(required('MOSAIC_TEST_OIDC_ISSUER'));
  await context.route('**/auth/google/login', async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = new URL(response.headers()['location']);
    assert.equal(location.host, issuer.host, 'the server sends the browser to the test provider');
    location.searchParams.set('login_hint', new URLSearchParams(claims).toString());
    await route.fulfill({ response, headers: { ...response.headers(), location: location.toString() } });
  });
}
