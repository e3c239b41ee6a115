// Every main page passes axe-core's WCAG 2.1 AA rules (labelled controls,
// contrast, names, landmarks), fits a phone-sized screen without sideways
// scrolling, and can be used with the keyboard, with focus visible.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accessibilityViolations,
  createLegacy,
  launchBrowser,
  newContext,
  overflowsHorizontally,
  signIn,
  signInLink,
  unique,
  writeStory,
} from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function checkPage(page, label) {
  await page.locator('h1.page-title').waitFor();
  await page.getByRole('status').filter({ hasText: /^Loading/ }).waitFor({ state: 'detached' });
  assert.deepEqual(await accessibilityViolations(page), [], `${label}: axe-core WCAG 2.1 AA violations`);
  assert.equal(await overflowsHorizontally(page), false, `${label}: wider than a phone screen`);
}

test('the main pages pass WCAG 2.1 AA checks on a phone-sized screen', { timeout: 120_000 }, async () => {
  const id = unique();
  const anonymousContext = await newContext(browser, { phone: true });
  const anonymous = await anonymousContext.newPage();
  await anonymous.goto('/');
  await checkPage(anonymous, 'welcome');
  await anonymous.goto('/sign-in');
  await checkPage(anonymous, 'sign-in');
  await anonymous.goto('/sign-in?token=not-a-real-token');
  await checkPage(anonymous, 'sign-in with a link');

  const context = await newContext(browser, { phone: true });
  const page = await context.newPage();
  await signIn(page, await signInLink(`fay-${id}@example.com`, 'Fay'));
  await checkPage(page, 'home');
  await page.getByRole('link', { name: 'Create Legacy' }).click();
  await checkPage(page, 'create a legacy');
  const legacyPath = await createLegacy(page, { name: `Ada Lovelace ${id}`, birthDate: '1815-12-10', deathDate: '1852-11-27', biography: 'Wrote the first program.' });
  await writeStory(page, legacyPath, { title: 'Notes', content: '# Note G\n\nThe *Analytical Engine*.', visibility: 'public' });
  await checkPage(page, 'legacy page');
  await page.goto(`${legacyPath}?tab=members`);
  await checkPage(page, 'members');
  await page.goto(`${legacyPath}?tab=media`);
  await checkPage(page, 'photos and videos');
  await page.goto(`${legacyPath}/stories/new`);
  await checkPage(page, 'story editor');
  await page.goto(legacyPath);
  await page.getByRole('link', { name: 'Notes' }).click();
  await checkPage(page, 'story page');
  await page.goto('/find?q=Ada');
  await page.getByRole('list', { name: 'Search results' }).waitFor();
  await checkPage(page, 'find a legacy');
  await page.goto('/search?q=analytical');
  await page.getByRole('list', { name: 'Search results' }).locator('mark').first().waitFor();
  await checkPage(page, 'story search results');
  await page.goto('/legacies/import');
  await checkPage(page, 'import a legacy');

  await anonymous.goto(legacyPath);
  await checkPage(anonymous, 'public legacy page');

  await anonymousContext.close();
  await context.close();
});

test('the keyboard reaches everything, with a visible focus and a skip link', { timeout: 60_000 }, async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, await signInLink(`gus-${unique()}@example.com`, 'Gus'));

  // On a fresh load, the first Tab lands on the skip link, which is visible when focused.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'My legacies' }).waitFor();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
  const box = await skip.boundingBox();
  assert.ok(box && box.y >= 0, 'the skip link is on screen when focused');

  // Every focused control shows an outline.
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.notEqual(outline.style, 'none');
  assert.ok(outline.width >= 2, 'focus outline at least 2px');

  // Create a legacy with the keyboard only.
  await page.getByRole('link', { name: 'Create Legacy' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Create a legacy' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the new page title');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Keyboard Kate');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Keyboard Kate' }).waitFor();
  await context.close();
});
