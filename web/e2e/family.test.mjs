// Two relatives in two browsers: one asks to join, the creator approves, and
// the new member then reads family stories but not the creator's personal ones.
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

test('a relative asks to join, the creator approves, the member reads family stories but not personal ones', { timeout: 120_000 }, async () => {
  const id = unique();
  const legacyName = `Joseph Brown ${id}`;

  const creatorContext = await newContext(browser);
  const creator = await creatorContext.newPage();
  await signIn(creator, await signInLink(`carol-${id}@example.com`, 'Carol Brown'));
  const legacyPath = await createLegacy(creator, { name: legacyName, birthDate: '1931-04-02', biography: 'Carpenter.' });
  await writeStory(creator, legacyPath, { title: 'The workshop', content: 'Sawdust everywhere.', visibility: 'private' });
  await writeStory(creator, legacyPath, { title: 'What I never told him', content: 'Only for me.', visibility: 'personal' });
  await writeStory(creator, legacyPath, { title: 'His eulogy', content: 'A good man.', visibility: 'public' });

  const relativeContext = await newContext(browser, { phone: true });
  const relative = await relativeContext.newPage();
  await signIn(relative, await signInLink(`rob-${id}@example.com`, 'Rob Brown'));

  // Before joining, the relative sees only the public story.
  await relative.goto(legacyPath);
  await relative.getByRole('article', { name: 'His eulogy' }).waitFor();
  assert.equal(await relative.getByRole('article').count(), 1);

  await relative.getByRole('link', { name: 'Find a legacy' }).click();
  await relative.getByLabel('Name of the person').fill(legacyName);
  await relative.getByRole('main').getByRole('button', { name: 'Search' }).click();
  const results = relative.getByRole('list', { name: 'Search results' });
  await results.getByRole('link', { name: legacyName }).waitFor();
  await results.getByRole('button', { name: `Ask to join ${legacyName}` }).click();
  await results.getByText('Request pending').waitFor();
  await screenshot(relative, '10-find-legacy-request-pending');
  // A fresh search knows about the request too: the results carry my_role.
  await relative.reload();
  await results.getByRole('link', { name: legacyName }).waitFor();
  await results.getByText('Request pending').waitFor();
  assert.equal(await results.getByRole('button', { name: `Ask to join ${legacyName}` }).count(), 0);

  await relative.goto('/');
  await relative.getByRole('list', { name: 'My legacies' }).getByText('Request pending').waitFor();

  // The creator approves.
  await creator.goto(`${legacyPath}?tab=members`);
  const requests = creator.getByRole('list', { name: 'Requests to join' });
  await requests.getByText('Rob Brown').waitFor();
  await screenshot(creator, '11-members-request');
  await creator.getByRole('group', { name: 'Manage Rob Brown' }).getByRole('button', { name: 'Approve' }).click();
  await creator.getByText('Rob Brown approved.').waitFor();
  await creator.getByRole('list', { name: 'Members' }).getByText('Rob Brown').waitFor();
  await screenshot(creator, '12-members-approved');

  // The member now reads family and public stories, never the creator's personal one.
  await relative.goto(legacyPath);
  await relative.getByText('You are member').waitFor();
  await relative.getByRole('article', { name: 'The workshop' }).waitFor();
  await relative.getByRole('article', { name: 'His eulogy' }).waitFor();
  assert.equal(await relative.getByRole('article', { name: 'What I never told him' }).count(), 0);
  assert.equal(await relative.getByRole('article').count(), 2);
  assert.equal(await relative.getByRole('link', { name: 'Write Story' }).count(), 0, 'members do not write stories');
  await screenshot(relative, '13-member-sees-family-stories');

  // The creator still sees all three, newest first, each with its visibility.
  await creator.goto(legacyPath);
  await creator.getByRole('article', { name: 'The workshop' }).waitFor();
  const titles = await creator.getByRole('article').getByRole('heading').allInnerTexts();
  assert.deepEqual(titles, ['His eulogy', 'What I never told him', 'The workshop']);

  // Promoted to editor, the relative may write.
  await creator.goto(`${legacyPath}?tab=members`);
  await creator.getByRole('group', { name: 'Manage Rob Brown' }).getByRole('button', { name: 'Make editor' }).click();
  await creator.getByText('Rob Brown is now an editor.').waitFor();
  await relative.goto(legacyPath);
  await relative.getByRole('link', { name: 'Write Story' }).waitFor();

  await creatorContext.close();
  await relativeContext.close();
});
