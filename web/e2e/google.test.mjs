// "Login with Google" through a real OpenID Connect provider (the test
// provider of scripts/test.d/20-oidc.sh, which mosaic-api is configured
// with): the button appears, the round trip signs the person in, and a
// failed sign-in comes back to the sign-in page with the reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newContext, providerSignsInAs, screenshot, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('"Login with Google" signs a person in through the OpenID Connect provider', { timeout: 60_000 }, async () => {
  const id = unique();
  const context = await newContext(browser, { phone: true });
  await providerSignsInAs(context, { sub: `olivia-${id}`, email: `olivia-${id}@example.com`, name: 'Olivia Oidc', email_verified: 'true' });
  const page = await context.newPage();
  await page.goto('/sign-in');
  const button = page.getByRole('link', { name: 'Login with Google' });
  await button.waitFor();
  await screenshot(page, '07-sign-in-with-google');
  await button.click();
  await page.getByRole('heading', { level: 1, name: 'My legacies' }).waitFor();
  assert.match(await page.getByRole('navigation', { name: 'Main' }).innerText(), /Signed in as\s+Olivia Oidc/);
  await context.close();
});

test('a refused provider sign-in comes back to the sign-in page with the reason', { timeout: 60_000 }, async () => {
  const context = await newContext(browser);
  await providerSignsInAs(context, { sub: `mallory-${unique()}`, email: 'mallory@example.com', scenario: 'wrong-audience' });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Login with Google' }).click();
  await page.getByRole('alert').filter({ hasText: "The identity provider's answer could not be verified" }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await context.close();
});
