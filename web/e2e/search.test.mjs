// Story search: the header box searches all of the person's legacies, the
// legacy page's box that legacy; matches are marked in the snippets, the
// keyboard alone gets from the box to a story, and a visitor finds only
// public stories.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLegacy, launchBrowser, newContext, screenshot, signIn, signInLink, unique, writeStory } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('type in the header box, see highlighted results, open one', { timeout: 120_000 }, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, await signInLink(`rosa-${unique()}@example.com`, 'Rosa'));
  const legacyPath = await createLegacy(page, { name: `Gran ${unique()}` });
  await writeStory(page, legacyPath, {
    title: 'The garden',
    content: 'Every summer José grew zinnias by the gate. She loved gardening.',
    visibility: 'private',
  });
  await writeStory(page, legacyPath, { title: 'Kitchen', content: 'Bread on Sundays.', visibility: 'private' });

  // Keyboard only: focus the header box, type the start of the word, press Enter.
  const box = page.getByRole('search', { name: 'Search stories in my legacies' }).getByRole('searchbox');
  await box.focus();
  await page.keyboard.type('jose zinni');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Search stories in my legacies' }).waitFor();
  const results = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
  await results.first().waitFor();
  assert.equal(await results.count(), 1);
  const marks = await results.first().locator('mark').allInnerTexts();
  assert.deepEqual(marks, ['José', 'zinnias']);
  await screenshot(page, 'search-results');

  // Typing in the results page's box updates the results.
  await page.getByLabel('Search for').fill('gardening -bread');
  await page.getByRole('link', { name: 'The garden' }).waitFor();
  await page.getByLabel('Search for').fill('sundays');
  await page.getByRole('link', { name: 'Kitchen' }).waitFor();
  await page.getByLabel('Search for').fill('nothingmatchesthis');
  await page.getByRole('status').filter({ hasText: 'No story matches' }).waitFor();
  await page.getByLabel('Search for').fill('🌹');
  await page.getByRole('alert').filter({ hasText: 'nothing to look for' }).waitFor();

  // Open a result with the keyboard.
  await page.getByLabel('Search for').fill('gardening');
  const link = page.getByRole('link', { name: 'The garden' });
  await link.waitFor();
  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'The garden' }).waitFor();

  // The legacy page's box searches that legacy only; a visitor there finds public stories only.
  await page.goto(legacyPath);
  const legacyBox = page.getByRole('searchbox', { name: /^Search the stories of/ });
  await legacyBox.fill('bread');
  await legacyBox.press('Enter');
  await page.getByRole('link', { name: 'Kitchen' }).waitFor();
  const visitor = await (await newContext(browser)).newPage();
  await visitor.goto(page.url());
  await visitor.getByRole('status').filter({ hasText: 'No story matches' }).waitFor();
  await context.close();
  await visitor.context().close();
});
