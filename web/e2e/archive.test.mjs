// Archives: "Download this legacy" and "Download all my stories" save a ZIP
// whose index.html opens in a browser without Mosaic Life (stories and
// photos shown), and "Import a legacy" brings a downloaded legacy back.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createLegacy, drawnImage, launchBrowser, newContext, screenshot, signIn, signInLink, unique, writeStory } from './support.mjs';

const run = promisify(execFile);

let browser;
let scratch;
before(async () => {
  browser = await launchBrowser();
  scratch = await mkdtemp(path.join(tmpdir(), 'mosaic-archive-e2e-'));
});
after(async () => {
  await browser?.close();
});

/** Presses the button and returns the saved file's path and suggested name. */
async function download(page, buttonName) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: buttonName }).click()]);
  const target = path.join(scratch, `${unique()}-${file.suggestedFilename()}`);
  await file.saveAs(target);
  return { target, name: file.suggestedFilename() };
}

/** Unpacks a ZIP with Python's zipfile (no software of ours) and returns the folder. */
async function unzip(zip) {
  const folder = `${zip}.d`;
  await run('python3', ['-m', 'zipfile', '-e', zip, folder], { timeout: 30_000 });
  return folder;
}

test('download a legacy, open its index.html offline, import it back', { timeout: 180_000 }, async () => {
  const id = unique();
  const name = `Ada Lovelace ${id}`;
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, await signInLink(`byron-${id}@example.com`, 'Byron'));
  const legacyPath = await createLegacy(page, { name });
  await writeStory(page, legacyPath, { title: 'The engine', content: 'She wrote the first program for the engine.', visibility: 'private' });
  await page.goto(`${legacyPath}?tab=media`);
  await page.getByLabel('Choose files').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: await drawnImage(page, 'image/png', '#1d4e89') });
  await page.locator('.upload-list li', { hasText: 'notes.png' }).getByText('Uploaded').waitFor({ timeout: 30_000 });

  // Download this legacy: progress is announced, then where it was saved.
  await page.goto(legacyPath);
  const legacyZip = await download(page, 'Download this legacy');
  assert.match(legacyZip.name, /^mosaic-life-ada-lovelace-[a-z0-9-]+\.zip$/);
  await page.getByRole('status').filter({ hasText: `Saved as ${legacyZip.name}` }).waitFor();
  await screenshot(page, '70-archive-downloaded');

  // The archive is what the README of the archive says, and its index.html works offline.
  const folder = await unzip(legacyZip.target);
  const entries = await readdir(folder);
  for (const expected of ['README.txt', 'index.html', 'manifest.json', 'stories', 'media']) assert.ok(entries.includes(expected), `${expected} in ${entries}`);
  const stories = await readdir(path.join(folder, 'stories'));
  assert.equal(stories.length, 1);
  assert.match(await readFile(path.join(folder, 'stories', stories[0]), 'utf8'), /^---\n[\s\S]*title: "The engine"\n[\s\S]*---\n[\s\S]*first program/);
  const offline = await context.newPage();
  // No network at all: anything the page tried to fetch from outside would fail the test.
  const remoteRequests = [];
  offline.on('request', (request) => {
    if (!request.url().startsWith('file://')) remoteRequests.push(request.url());
  });
  await offline.goto(pathToFileURL(path.join(folder, 'index.html')).href);
  await offline.getByRole('heading', { name: 'The engine' }).waitFor();
  await offline.getByText('She wrote the first program for the engine.').waitFor();
  const photo = offline.getByRole('img', { name: 'notes.png' });
  await offline.waitForFunction((el) => el.complete && el.naturalWidth === 640, await photo.elementHandle(), { timeout: 15_000 });
  assert.equal(await offline.locator('script').count(), 0);
  assert.deepEqual(remoteRequests, []);
  await screenshot(offline, '71-archive-index-html');
  await offline.close();

  // Import it back: first refused while the legacy still exists here, then restored after it was deleted.
  await page.goto('/');
  await page.getByRole('link', { name: 'Import a legacy' }).click();
  await page.getByRole('heading', { level: 1, name: 'Import a legacy' }).waitFor();
  await page.getByLabel('Archive file (.zip)').setInputFiles(legacyZip.target);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('alert').filter({ hasText: 'The archive could not be imported.' }).waitFor();

  const legacyId = legacyPath.split('/').pop();
  const deleted = await page.evaluate(
    async (legacy) => (await fetch(`/api/legacies/${legacy}`, { method: 'DELETE', headers: { 'X-Requested-With': 'mosaic' } })).status,
    legacyId,
  );
  assert.equal(deleted, 204);
  await page.getByRole('button', { name: 'Import' }).click();
  const done = page.getByRole('status').filter({ hasText: `Imported “${name}”: 1 story` });
  await done.waitFor({ timeout: 60_000 });
  assert.match(await done.innerText(), /1 photo or video/);
  await screenshot(page, '72-archive-imported');
  await page.getByRole('link', { name: `Open ${name}` }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  await page.getByRole('link', { name: 'The engine' }).waitFor();
  await context.close();
});

test('download all my stories from the start page; a file that is not an archive is refused with the reason', { timeout: 120_000 }, async () => {
  const id = unique();
  const context = await newContext(browser, { phone: true });
  const page = await context.newPage();
  await signIn(page, await signInLink(`mary-${id}@example.com`, 'Mary'));
  const legacyPath = await createLegacy(page, { name: `Percy ${id}` });
  await writeStory(page, legacyPath, { title: 'The lake', content: 'A summer by the lake in Geneva.', visibility: 'personal' });

  await page.goto('/');
  const mine = await download(page, 'Download all my stories');
  assert.match(mine.name, /^mosaic-life-mary-[a-z0-9-]+\.zip$/);
  const folder = await unzip(mine.target);
  const manifest = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8'));
  assert.ok(JSON.stringify(manifest).includes('The lake'));

  await page.getByRole('link', { name: 'Import a legacy' }).click();
  await page.getByLabel('Archive file (.zip)').setInputFiles({ name: 'holiday.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
  await page.getByRole('button', { name: 'Import' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'The archive could not be imported.' });
  await refusal.waitFor();
  assert.doesNotMatch(await refusal.innerText(), /status \d+/);
  await screenshot(page, '73-archive-refused');
  await context.close();
});
