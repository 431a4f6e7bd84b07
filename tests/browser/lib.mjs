// Test harness for the browser tests: Debian's Chromium through playwright-core, axe-core on
// every page, screenshots, and per-page checks that hold everywhere (no external request, no
// script error, scripts under 200 KB, no horizontal scrolling, dates shown dd/mm/yyyy).

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const SHOTS = process.env.SCREENSHOT_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs/screenshots');
export const PASSWORD = 'MotCua@2026';
const SCRIPT_BUDGET = 200 * 1024;

fs.mkdirSync(SHOTS, { recursive: true });

let passed = 0;
let failed = 0;
const failures = [];
export const report = { pages: [], axe: [], scripts: {} };

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Runs one named check; a failure is recorded and the run goes on unless `fatal`. */
export async function step(name, fn, { fatal = true } = {}) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    failures.push(`${name}: ${e.message}`);
    console.log(`not ok - ${name}\n  ${String(e.stack || e).split('\n').slice(0, 6).join('\n  ')}`);
    if (fatal) throw new Error(`stopped after failure in “${name}”`);
  }
}

export function summary() {
  console.log('\n== Script size per page (bytes of JavaScript loaded) ==');
  for (const [p, bytes] of Object.entries(report.scripts).sort()) console.log(`  ${p.padEnd(34)} ${String(bytes).padStart(7)}`);
  const counts = report.axe.reduce((acc, r) => { for (const v of r.violations) acc[v.impact] = (acc[v.impact] || 0) + 1; return acc; }, {});
  console.log(`\n== axe-core: ${report.axe.length} page states checked; violations by impact: ${JSON.stringify(counts)} ==`);
  if (failures.length) console.log('\nFailures:\n  ' + failures.join('\n  '));
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0;
}

const WEB = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../web');

/**
 * Bytes of JavaScript a page loads before it is usable: its module scripts and everything
 * they import, statically (the whole graph, counted once per file, uncompressed).
 */
export function scriptBytesOf(urlPath) {
  const file = path.join(WEB, urlPath.endsWith('/') ? urlPath + 'index.html' : urlPath);
  if (!fs.existsSync(file)) return 0;
  const html = fs.readFileSync(file, 'utf8');
  const seen = new Set();
  const visit = (abs) => {
    if (seen.has(abs) || !fs.existsSync(abs)) return;
    seen.add(abs);
    const src = fs.readFileSync(abs, 'utf8');
    for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] || m[2];
      visit(spec.startsWith('/') ? path.join(WEB, spec) : path.resolve(path.dirname(abs), spec));
    }
  };
  for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) visit(path.join(WEB, m[1]));
  return [...seen].reduce((n, f) => n + fs.statSync(f).size, 0);
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync', '--lang=vi-VN'],
  });
}

/** A browser context (one person) with a page whose problems are collected. */
export async function person(browser, { mobile = false } = {}) {
  const context = await browser.newContext({
    baseURL: BASE,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    viewport: mobile ? { width: 375, height: 740 } : { width: 1280, height: 860 },
    deviceScaleFactor: 1,
    isMobile: mobile,
    hasTouch: mobile,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  // 4xx answers are part of the journeys (a wrong password, a validation error, a route the
  // server does not have yet): the pages show them. Script errors and 5xx answers are problems.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 500) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    // Counterparts (the payment platform's page, the OpenID provider's login) are other sites,
    // on `localhost`: the user is sent there on purpose, in the main frame, and what their own
    // pages load (the npm oidc-provider's development pages use a web font) is theirs.
    const counterpart = (u.startsWith('http://localhost:') && r.isNavigationRequest() && r.frame() === page.mainFrame())
      || r.frame().url().startsWith('http://localhost:');
    if (!u.startsWith(BASE) && !counterpart && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('about:')) problems.push(`external request: ${u}`);
  });
  return { context, page, problems };
}

/**
 * Checks the current page: no script error or external request so far, axe-core finds no
 * serious or critical violation, no horizontal scrolling, no raw ISO date in the text, script
 * budget; then saves a screenshot `name`.png.
 */
export async function check(who, name, { shot = true, fullPage = true } = {}) {
  const { page, problems } = who;
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.evaluate(() => document.fonts && document.fonts.ready);
  const pathName = new URL(page.url()).pathname;
  const bytes = scriptBytesOf(pathName);
  report.scripts[pathName] = Math.max(report.scripts[pathName] || 0, bytes);
  assert(bytes < SCRIPT_BUDGET, `${name}: ${bytes} bytes of script (budget ${SCRIPT_BUDGET})`);
  const issues = problems.splice(0);
  assert(issues.length === 0, `${name}: ${issues.join('; ')}`);
  // Injected through the DevTools protocol: the pages forbid inline scripts (CSP), and rightly so.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
  // Frames showing the server's printable forms are audited on their own (checkDocument).
  const result = await page.evaluate(() => window.axe.run(document, {
    iframes: false,
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    resultTypes: ['violations'],
  }));
  const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  report.axe.push({ name, url: page.url(), violations });
  for (const v of violations) console.log(`    axe ${v.impact}: ${v.id} — ${v.help} — ${v.nodes.join(', ')}`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert(serious.length === 0, `${name}: axe-core serious/critical violations: ${serious.map((v) => v.id).join(', ')}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `${name}: the page scrolls horizontally by ${overflow}px`);
  const iso = await page.evaluate(() => (document.body.innerText.match(/\b\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?\b/) || [null])[0]);
  assert(!iso, `${name}: a date is shown as ${iso} instead of dd/mm/yyyy`);
  if (shot) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/**
 * Audits a document the server renders (a printable form shown in a frame): axe-core on its
 * HTML opened as a page of its own; returns the violations (the caller decides).
 */
export async function checkDocument(who, name, html, { shot = true } = {}) {
  const page = await who.context.newPage();
  try {
    await page.goto(BASE + '/api/v1/health'); // same origin, so the form's links and images resolve
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(AXE);
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'],
    }));
    const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    report.axe.push({ name, url: 'server-rendered form', violations });
    for (const v of violations) console.log(`    axe ${v.impact} (server form ${name}): ${v.id} — ${v.help} — ${v.nodes.join(', ')}`);
    if (shot) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    return violations;
  } finally {
    await page.close();
  }
}

/** Signs in through the login page. */
export async function login(who, username, { console: officer = false, next } = {}) {
  const { page } = who;
  const base = officer ? '/can-bo/dang-nhap.html' : '/dang-nhap.html';
  await page.goto(base + (next ? `?next=${encodeURIComponent(next)}` : ''));
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel(/^Mật khẩu/).fill(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('dang-nhap.html')), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
}

/** A small valid one-page PDF of about `kb` kilobytes, with its cross-reference table (a real
 * document: results are signed by the server, which needs a page to sign). */
export function pdf(kb = 2, text = 'MotCua') {
  const pad = '%' + 'x'.repeat(78) + '\n';
  const stream = `BT /F1 14 Tf 72 760 Td (${text}) Tj ET`;
  const objects = [
    '<</Type/Catalog/Pages 2 0 R>>',
    '<</Type/Pages/Kids[3 0 R]/Count 1>>',
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>',
    `<</Length ${stream.length}>>\nstream\n${stream}\nendstream`,
    '<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
  ];
  let body = `%PDF-1.4\n% ${text}\n`;
  while (body.length < kb * 1024) body += pad;
  const offsets = objects.map((o, i) => { const at = body.length; body += `${i + 1} 0 obj\n${o}\nendobj\n`; return at; });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  return Buffer.from(body + `trailer<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`);
}
