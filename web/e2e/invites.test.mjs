// Invite links: the creator makes one on the members tab; a relative with
// no account opens it in a fresh browser, types a name and e-mail, and lands
// on the legacy as a member who reads the family's stories; a used or
// withdrawn link says so and whom to ask.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accessibilityViolations, createLegacy, launchBrowser, newContext, screenshot, signIn, signInLink, unique, writeStory } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function makeInvite(page, legacyPath, { role = 'member', uses = 'one person' } = {}) {
  await page.goto(`${legacyPath}?tab=members`);
  await page.getByLabel('They join as').selectOption(role);
  await page.getByLabel('For', { exact: true }).selectOption({ label: uses });
  await page.getByRole('button', { name: 'Make an invite link' }).click();
  const field = page.getByLabel(/^Your invite link/);
  await field.waitFor();
  const link = await field.inputValue();
  assert.match(link, /\/invites\/[0-9a-f]{64}$/);
  return link;
}

test('a relative joins through an invite link with a new account and reads family stories', { timeout: 120_000 }, async () => {
  const id = unique();
  const name = `Grandpa Joe ${id}`;
  const creatorContext = await newContext(browser);
  const creator = await creatorContext.newPage();
  await signIn(creator, await signInLink(`rita-${id}@example.com`, 'Rita'));
  const legacyPath = await createLegacy(creator, { name });
  await writeStory(creator, legacyPath, { title: 'The fishing trip', content: 'He caught nothing and laughed all day.', visibility: 'private' });
  const link = await makeInvite(creator, legacyPath);
  await screenshot(creator, '80-invite-made');

  // A fresh browser, never signed in, on a phone.
  const relativeContext = await newContext(browser, { phone: true });
  const relative = await relativeContext.newPage();
  await relative.goto(link);
  await relative.getByRole('heading', { level: 1, name: `Join ${name}` }).waitFor();
  await relative.getByText(`Rita invites you to the stories and photos kept in memory of ${name}`).waitFor();
  assert.deepEqual(await accessibilityViolations(relative), []);
  await relative.getByLabel('Your name (as the family will see it)').fill('Aunt Lou');
  await relative.getByLabel('Your e-mail address').fill(`lou-${id}@example.com`);
  await screenshot(relative, '81-invite-opened');
  await relative.getByRole('button', { name: 'Join' }).click();
  await relative.getByRole('heading', { level: 1, name }).waitFor();
  await relative.getByText('You are member').waitFor();
  await relative.getByRole('link', { name: 'The fishing trip' }).waitFor();
  await relative.getByText('Signed in as').waitFor();
  await screenshot(relative, '82-invite-joined');

  // The creator sees the link used and Aunt Lou among the family.
  await creator.goto(`${legacyPath}?tab=members`);
  await creator.getByRole('list', { name: 'Members' }).getByText('Aunt Lou').waitFor();
  await creator.getByRole('list', { name: 'Invite links' }).getByText(/for one person, used · Used/).waitFor();

  // Someone else opening the same link is told it is used, and whom to ask.
  const lateContext = await newContext(browser);
  const late = await lateContext.newPage();
  await late.goto(link);
  await late.getByText('This invite link has already been used as many times as it allows.').waitFor();
  await late.getByText('Ask Rita to send you a new link.').waitFor();
  assert.equal(await late.getByRole('button', { name: 'Join' }).count(), 0);

  await creatorContext.close();
  await relativeContext.close();
  await lateContext.close();
});

test('a signed-in relative joins as an editor with one click; a withdrawn link stops working', { timeout: 120_000 }, async () => {
  const id = unique();
  const name = `Nana ${id}`;
  const creatorContext = await newContext(browser);
  const creator = await creatorContext.newPage();
  await signIn(creator, await signInLink(`sam-${id}@example.com`, 'Sam'));
  const legacyPath = await createLegacy(creator, { name });
  const link = await makeInvite(creator, legacyPath, { role: 'editor', uses: 'up to 5 people' });

  const cousinContext = await newContext(browser);
  const cousin = await cousinContext.newPage();
  await signIn(cousin, await signInLink(`kim-${id}@example.com`, 'Kim'));
  await cousin.goto(link);
  await cousin.getByText('You are signed in as Kim.').waitFor();
  await cousin.getByRole('button', { name: 'Join' }).click();
  await cousin.getByRole('heading', { level: 1, name }).waitFor();
  await cousin.getByText('You are editor').waitFor();
  await cousin.getByRole('link', { name: 'Write Story' }).waitFor();

  // Withdrawn: the link stops working at once.
  await creator.goto(`${legacyPath}?tab=members`);
  creator.once('dialog', (dialog) => dialog.accept());
  await creator.getByRole('list', { name: 'Invite links' }).getByRole('button', { name: /^Withdraw/ }).click();
  await creator.getByRole('list', { name: 'Invite links' }).getByText(/Withdrawn/).waitFor();
  const otherContext = await newContext(browser);
  const other = await otherContext.newPage();
  await other.goto(link);
  await other.getByText('This invite link was withdrawn.').waitFor();

  // A link mangled in copying explains itself.
  await other.goto(`${link.slice(0, -10)}`);
  await other.getByRole('heading', { level: 1, name: 'This invite link does not work' }).waitFor();

  await creatorContext.close();
  await cousinContext.close();
  await otherContext.close();
});
