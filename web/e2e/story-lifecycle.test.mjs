// Writing is never lost: a draft survives a closed tab; edits keep history
// that can be restored; a deletion can be undone.
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

test('a draft survives a closed tab, edits have a history to restore, and a delete can be undone', { timeout: 120_000 }, async () => {
  const id = unique();
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, await signInLink(`erin-${id}@example.com`, 'Erin'));
  const legacyPath = await createLegacy(page, { name: `Walter White ${id}` });

  // The creator adds a biography later.
  await page.getByRole('link', { name: 'Edit details' }).click();
  await page.getByLabel('Short biography (optional)').fill('Taught *chemistry*.');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('heading', { level: 1, name: `Walter White ${id}` }).waitFor();
  await page.locator('.biography em').getByText('chemistry').waitFor();

  // Type, close the tab, come back: the text is still there.
  await page.getByRole('link', { name: 'Write Story' }).click();
  const editorUrl = page.url();
  await page.getByLabel('Title').fill('Unsaved thoughts');
  await page.getByLabel('Story', { exact: true }).fill('Typed before the tab closed.');
  await page.getByText(/Draft kept in this browser/).waitFor();
  await page.close();
  const again = await context.newPage();
  await again.goto(editorUrl);
  await again.getByText(/We brought back what you typed/).waitFor();
  assert.equal(await again.getByLabel('Title').inputValue(), 'Unsaved thoughts');
  assert.equal(await again.getByLabel('Story', { exact: true }).inputValue(), 'Typed before the tab closed.');
  await again.getByRole('button', { name: 'Discard it' }).click();
  assert.equal(await again.getByLabel('Title').inputValue(), '');

  // Write, edit, and restore the first version from the history.
  await writeStory(again, legacyPath, { title: 'The lake', content: 'First version.', visibility: 'private' });
  await again.getByRole('link', { name: 'The lake' }).click();
  await again.getByRole('link', { name: 'Edit' }).click();
  await again.getByLabel('Title').fill('The lake house');
  await again.getByLabel('Story', { exact: true }).fill('Second version.');
  await again.getByRole('button', { name: 'Save changes' }).click();
  await again.getByRole('heading', { level: 1, name: 'The lake house' }).waitFor();
  await again.getByRole('button', { name: 'History' }).click();
  await again.getByText('“The lake”, replaced').waitFor();
  await screenshot(again, '30-story-history');
  await again.getByRole('button', { name: /Restore the version replaced/ }).click();
  await again.getByRole('heading', { level: 1, name: 'The lake' }).waitFor();
  await again.locator('.story-body').getByText('First version.').waitFor();

  // Delete, then undo from the legacy page.
  await again.getByRole('button', { name: 'Delete' }).click();
  await again.getByText('“The lake” was deleted.').waitFor();
  assert.equal(await again.getByRole('article', { name: 'The lake' }).count(), 0);
  await screenshot(again, '31-story-deleted-undo');
  await again.getByRole('button', { name: 'Undo' }).click();
  await again.getByRole('article', { name: 'The lake' }).waitFor();

  await context.close();
});
