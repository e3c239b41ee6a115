// Anyone with the link reads a legacy's public stories without signing in,
// and nothing else.
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

test('an anonymous visitor sees only the public stories of a legacy', { timeout: 120_000 }, async () => {
  const id = unique();
  const authorContext = await newContext(browser);
  const author = await authorContext.newPage();
  await signIn(author, await signInLink(`dana-${id}@example.com`, 'Dana'));
  const legacyPath = await createLegacy(author, { name: `Rose Miller ${id}`, birthDate: '1940-05-01', deathDate: '2020-02-02' });
  await writeStory(author, legacyPath, { title: 'Open letter', content: 'For **everyone**.', visibility: 'public' });
  await writeStory(author, legacyPath, { title: 'Family dinner', content: 'Only the family.', visibility: 'private' });
  await writeStory(author, legacyPath, { title: 'My diary', content: 'Only me.', visibility: 'personal' });
  await author.getByRole('link', { name: 'Family dinner' }).click();
  const privateStoryPath = new URL(author.url()).pathname;
  await author.getByRole('heading', { level: 1, name: 'Family dinner' }).waitFor();
  await screenshot(author, '20-story-page');

  const visitorContext = await newContext(browser, { phone: true });
  const visitor = await visitorContext.newPage();
  await visitor.goto(legacyPath);
  await visitor.getByRole('heading', { level: 1, name: `Rose Miller ${id}` }).waitFor();
  await visitor.getByRole('article', { name: 'Open letter' }).waitFor();
  await visitor.getByRole('article', { name: 'Open letter' }).getByText('by Dana').waitFor();
  assert.equal(await visitor.getByRole('article').count(), 1);
  assert.equal(await visitor.getByText('Family dinner').count(), 0);
  assert.equal(await visitor.getByText('My diary').count(), 0);
  await visitor.getByRole('link', { name: 'Sign in to join' }).waitFor();
  assert.equal(await visitor.getByRole('navigation', { name: 'Legacy sections' }).count(), 0, 'no members or media tabs');
  await screenshot(visitor, '21-anonymous-legacy-page');

  await visitor.getByRole('link', { name: 'Open letter' }).click();
  await visitor.getByRole('heading', { level: 1, name: 'Open letter' }).waitFor();
  await visitor.getByText('everyone').waitFor();
  await visitor.getByText('Written by Dana').waitFor();
  assert.equal(await visitor.getByRole('button', { name: 'Delete' }).count(), 0);

  // A family story's address shows "not found" to a visitor: its existence does not leak.
  await visitor.goto(privateStoryPath);
  await visitor.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();

  await authorContext.close();
  await visitorContext.close();
});
