// Stories come newest first, a page at a time; scrolling to the end of the
// list loads the next page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLegacy, launchBrowser, newContext, signIn, signInLink, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a long list of stories loads page by page as the reader scrolls, newest first', { timeout: 120_000 }, async () => {
  const context = await newContext(browser, { phone: true });
  const page = await context.newPage();
  await signIn(page, await signInLink(`ivy-${unique()}@example.com`, 'Ivy'));
  const legacyPath = await createLegacy(page, { name: `Long Life ${unique()}` });
  const legacyId = legacyPath.split('/').pop();

  // 25 stories through the API from the page itself (same origin, JSON body), oldest first.
  const failures = await page.evaluate(async (id) => {
    const failed = [];
    for (let i = 1; i <= 25; i++) {
      const response = await fetch('/api/stories', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ legacy_id: id, title: `Story ${String(i).padStart(2, '0')}`, content: `Memory ${i}.`, visibility: 'private' }),
      });
      if (!response.ok) failed.push(`${i}: ${response.status} ${await response.text()}`);
    }
    return failed;
  }, legacyId);
  assert.deepEqual(failures, []);

  await page.goto(legacyPath);
  const stories = page.getByRole('list', { name: 'Stories, newest first' }).getByRole('article');
  await stories.first().waitFor();
  assert.equal(await stories.count(), 20, 'the first page has 20 stories');
  assert.equal(await stories.first().getByRole('heading').innerText(), 'Story 25');

  await stories.last().scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 10_000);
  await page.waitForFunction(() => document.querySelectorAll('.story-list article').length === 25);
  assert.equal(await stories.last().getByRole('heading').innerText(), 'Story 01');
  assert.equal(await page.getByRole('button', { name: 'Show more stories' }).count(), 0, 'no more pages');
  await context.close();
});
