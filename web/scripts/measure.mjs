// Measures what the web app costs a visitor:
//  1. the gzipped size of the JS and CSS the first page loads (from dist/), against a 300 KB budget;
//  2. first-contentful-paint of a legacy page in headless Chromium against a running mosaic-api
//     (cold cache, median of several loads).
//
// Usage (from web/, after `npm run build`):
//   node scripts/measure.mjs                                   # bundle size only
//   node scripts/measure.mjs --base http://127.0.0.1:8080 --sign-in-link 'http://…/sign-in?token=…'
//       # also seeds a legacy with 30 stories as that person and measures its page's FCP
//   node scripts/measure.mjs --base http://127.0.0.1:8080 --legacy-path /legacies/<id>   # an existing page, anonymously
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 300;
const LOADS = 5;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** The JS and CSS files index.html makes the browser load before the first page renders. */
function firstPageAssets() {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  return [...new Set(refs)];
}

function bundleReport() {
  let js = 0;
  let css = 0;
  let raw = 0;
  for (const ref of firstPageAssets()) {
    const content = readFileSync(path.join(dist, ref.replace(/^\//, '')));
    raw += content.length;
    const bytes = gzipSync(content).length;
    if (ref.endsWith('.css')) css += bytes;
    else js += bytes;
  }
  const total = (js + css) / 1024;
  console.log(
    `first page: ${total.toFixed(1)} KB gzipped (JS ${(js / 1024).toFixed(1)} KB + CSS ${(css / 1024).toFixed(1)} KB); budget ${BUDGET_KB} KB; ${(raw / 1024).toFixed(1)} KB uncompressed`,
  );
  return total;
}

/** Signs in with a one-time link and creates a legacy with some stories; returns its path and the session cookie. */
async function seedLegacy(base, link) {
  const headers = { 'Content-Type': 'application/json', Origin: base, 'X-Requested-With': 'mosaic' };
  const token = new URL(link).searchParams.get('token');
  const signIn = await fetch(`${base}/api/auth/sign-in-link`, { method: 'POST', headers, body: JSON.stringify({ token }) });
  if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  const authed = { ...headers, Cookie: cookie };
  const legacyResponse = await fetch(`${base}/api/legacies`, {
    method: 'POST',
    headers: authed,
    body: JSON.stringify({ name: 'Measured Legacy', birth_date: '1931-04-02', death_date: '2019-09-30', biography: 'A life in **thirty** stories.' }),
  });
  if (!legacyResponse.ok) throw new Error(`creating the legacy failed: ${legacyResponse.status} ${await legacyResponse.text()}`);
  const legacy = await legacyResponse.json();
  for (let i = 1; i <= 30; i++) {
    const story = await fetch(`${base}/api/stories`, {
      method: 'POST',
      headers: authed,
      body: JSON.stringify({
        legacy_id: legacy.id,
        title: `Memory number ${i}`,
        content: `## A summer\n\nShe planted *roses* and **tomatoes** every year.\n\n- one\n- two\n\n${'Words of a memory. '.repeat(40)}`,
        visibility: i % 3 === 0 ? 'public' : 'private',
      }),
    });
    if (!story.ok) throw new Error(`creating a story failed: ${story.status} ${await story.text()}`);
  }
  const [name, value] = cookie.split('=');
  return { legacyPath: `/legacies/${legacy.id}`, cookie: name && value ? { name, value } : null };
}

async function measureFcp(base, legacyPath, cookie) {
  const { launchBrowser } = await import('../e2e/support.mjs');
  const browser = await launchBrowser();
  const samples = [];
  const listed = [];
  try {
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      if (cookie) await context.addCookies([{ ...cookie, url: base }]);
      const page = await context.newPage();
      await page.goto(`${base}${legacyPath}`, { waitUntil: 'load' });
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('article').first().waitFor();
      listed.push(await page.evaluate(() => performance.now()));
      const fcp = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const entry = performance.getEntriesByName('first-contentful-paint')[0];
            if (entry) return resolve(entry.startTime);
            new PerformanceObserver((list) => resolve(list.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1)).observe({
              type: 'paint',
              buffered: true,
            });
          }),
      );
      samples.push(fcp);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  samples.sort((a, b) => a - b);
  listed.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const listedMedian = listed[Math.floor(listed.length / 2)];
  console.log(
    `legacy page first-contentful-paint: median ${median.toFixed(0)} ms over ${LOADS} cold loads (min ${samples[0].toFixed(0)}, max ${samples[samples.length - 1].toFixed(0)}) at ${base}${legacyPath}`,
  );
  console.log(`legacy page stories listed (first story card visible): median ${listedMedian.toFixed(0)} ms`);
}

const total = bundleReport();
const base = arg('base');
if (base) {
  const link = arg('sign-in-link');
  let legacyPath = arg('legacy-path');
  let cookie = null;
  if (link) ({ legacyPath, cookie } = await seedLegacy(base, link));
  if (!legacyPath) throw new Error('--base needs --sign-in-link or --legacy-path');
  await measureFcp(base, legacyPath, cookie);
}
if (total > BUDGET_KB) {
  console.error(`over budget: ${total.toFixed(1)} KB > ${BUDGET_KB} KB`);
  process.exit(1);
}
