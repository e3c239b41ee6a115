// Photos: several files at once by picker and by drag and drop, a progress
// bar each, a clear refusal for a file that is not a photo or video, and the
// uploaded photo's thumbnail visible in the gallery.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLegacy, drawnImage, launchBrowser, newContext, screenshot, signIn, signInLink, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('photos upload by picker and drag and drop, each with progress, refusals explained, thumbnails shown', { timeout: 120_000 }, async () => {
  const id = unique();
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, await signInLink(`hal-${id}@example.com`, 'Hal'));
  const legacyPath = await createLegacy(page, { name: `Grace Hopper ${id}` });
  await page.goto(`${legacyPath}?tab=media`);
  await page.getByText('No photos or videos yet.').waitFor();

  // Two photos at once through the file picker.
  const png = await drawnImage(page, 'image/png', '#1d4e89');
  const jpeg = await drawnImage(page, 'image/jpeg', '#b34700');
  await page.getByLabel('Choose files').setInputFiles([
    { name: 'harbour.png', mimeType: 'image/png', buffer: png },
    { name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: jpeg },
  ]);
  await page.getByRole('progressbar', { name: 'Upload progress of harbour.png' }).waitFor();
  await page.getByRole('progressbar', { name: 'Upload progress of sunset.jpg' }).waitFor();

  // A file that is not a photo or video, dropped on the drop zone, is refused with the reason.
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['just text'], 'notes.txt', { type: 'text/plain' }));
    return transfer;
  });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  await page.getByRole('alert').filter({ hasText: 'notes.txt is not a photo or video we can keep' }).waitFor();

  const uploads = page.locator('.upload-list');
  await uploads.locator('li', { hasText: 'harbour.png' }).getByText('Uploaded').waitFor({ timeout: 30_000 });
  await uploads.locator('li', { hasText: 'sunset.jpg' }).getByText('Uploaded').waitFor({ timeout: 30_000 });

  // Both are in the gallery as thumbnails (the server makes them at most 400 px wide; the originals are 640 px).
  const gallery = page.getByRole('list', { name: 'Photos and videos' });
  for (const name of ['harbour.png', 'sunset.jpg']) {
    const image = gallery.getByRole('img', { name });
    await image.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0 && el.naturalWidth <= 400, await image.elementHandle(), {
      timeout: 15_000,
    });
  }
  await screenshot(page, '40-photos');

  // A photo larger than what is left of the quota (the test server allows 300 KB a person) is refused with the reason.
  const noise = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 800;
    canvas.height = 600;
    const context = canvas.getContext('2d');
    const pixels = context.createImageData(800, 600);
    for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = i % 4 === 3 ? 255 : Math.floor(Math.random() * 256);
    context.putImageData(pixels, 0, 0);
    return canvas.toDataURL('image/png').split(',')[1];
  });
  await page.getByLabel('Choose files').setInputFiles({ name: 'noise.png', mimeType: 'image/png', buffer: Buffer.from(noise, 'base64') });
  await uploads
    .locator('li', { hasText: 'noise.png' })
    .getByRole('alert')
    .filter({ hasText: /noise\.png does not fit in your storage quota: you use \d+ KB of 293 KB/ })
    .waitFor();
  await screenshot(page, '41-upload-refused');

  // Deleting one leaves the other.
  page.once('dialog', (dialog) => dialog.accept());
  await gallery.getByRole('button', { name: 'Delete harbour.png' }).click();
  await gallery.getByRole('img', { name: 'harbour.png' }).waitFor({ state: 'detached' });
  assert.equal(await gallery.getByRole('img').count(), 1);

  await context.close();
});
