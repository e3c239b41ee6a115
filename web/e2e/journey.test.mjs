// The product brief's journey: sign in, create legacy "Jane Doe", write
// "First Memory", see it listed — on a phone-sized screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLegacy, launchBrowser, newContext, screenshot, signInLink, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a person signs in, creates "Jane Doe", writes "First Memory" and sees it listed', { timeout: 90_000 }, async () => {
  const context = await newContext(browser, { phone: true });
  const page = await context.newPage();

  await page.goto('/sign-in');
  await screenshot(page, '01-sign-in-without-link');

  const link = process.env.MOSAIC_TEST_FIRST_SIGN_IN_URL ?? (await signInLink(`alice-${unique()}@example.com`, 'Alice'));
  await page.goto(link);
  await screenshot(page, '02-sign-in-with-link');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'My legacies' }).waitFor();
  assert.match(await page.getByRole('navigation', { name: 'Main' }).innerText(), /Signed in as/);
  await page.getByText('You are not part of any legacy yet').waitFor();
  await screenshot(page, '03-home-empty');

  const legacyPath = await createLegacy(page, {
    name: 'Jane Doe',
    birthDate: '1950-01-01',
    deathDate: '2024-01-01',
    biography: 'Gardener, teacher and **grandmother**.',
  });
  assert.match(legacyPath, /^\/legacies\/[0-9a-f-]{36}$/);
  await page.getByText('You are creator').waitFor();
  await page.getByText('No stories yet').waitFor();

  await page.getByRole('link', { name: 'Write Story' }).click();
  await page.locator('input[name="title"]').fill('First Memory');
  await page.locator('textarea[name="content"]').fill('She loved gardening...\n\n- roses\n- **tomatoes**');
  await page.getByRole('region', { name: 'Preview' }).getByText('tomatoes').waitFor();
  await screenshot(page, '04-story-editor');
  await page.getByRole('button', { name: 'Save story' }).click();

  const listed = page.getByRole('article', { name: 'First Memory' });
  await listed.waitFor();
  assert.equal(await listed.getByText('Family').count(), 1, 'the new story shows its visibility');
  await screenshot(page, '05-legacy-page');

  await page.goto('/');
  const mine = page.getByRole('list', { name: 'My legacies' });
  await mine.getByRole('link', { name: 'Jane Doe' }).waitFor();
  await mine.getByText('Creator').waitFor();
  await screenshot(page, '06-home-with-legacy');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Keep the stories of the people you love' }).waitFor();
  await context.close();
});
