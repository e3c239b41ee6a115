// The product brief's own end-to-end test, with its selectors as written
// (`text=Login with Google`, `text=Create Legacy`, `input[name="name"]`,
// `text=Write Story`, `button:has-text("Save")`): sign in through the
// OpenID Connect test provider, create a legacy, write a story.
import { after, before, test } from 'node:test';
import { launchBrowser, newContext, providerSignsInAs, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('create legacy and write story (the brief, as written)', { timeout: 60_000 }, async () => {
  const id = unique();
  const context = await newContext(browser);
  await providerSignsInAs(context, { sub: `brief-${id}`, email: `brief-${id}@example.com`, name: 'Brief Reader', email_verified: 'true' });
  const page = await context.newPage();
  const name = `Jane Doe ${id}`;

  await page.goto('/');
  await page.click('text=Login with Google');

  await page.click('text=Create Legacy');
  await page.fill('input[name="name"]', name);
  await page.fill('input[name="birth_date"]', '1950-01-01');
  await page.click('button:has-text("Create")');

  await page.locator(`text=${name}`).first().waitFor({ state: 'visible' });

  await page.click(`text=${name}`);
  await page.click('text=Write Story');
  await page.fill('input[name="title"]', 'First Memory');
  await page.fill('textarea[name="content"]', 'She loved gardening...');
  await page.click('button:has-text("Save")');

  await page.locator('text=First Memory').first().waitFor({ state: 'visible' });
  await context.close();
});
