/**
 * report.html opened in headless Chromium, as an engineer opens it: offline, no console errors, charts drawn,
 * the failed threshold in red. The screenshot stays in test-output/report-html/ for a human to look at.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { chromiumMissing, launchChromium } from './helpers/chromium.js';
import { repoRoot, runCli, writeScenario } from './helpers/cli.js';

/** The one DOM call the test makes inside the page (the test compiles without the DOM library). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { color: string };
}

const flakyBackend = fileURLToPath(new URL('./fixtures/flaky-backend.mjs', import.meta.url));
const artifacts = join(repoRoot, 'test-output', 'report-html');

// two phases, a backend that goes away for two seconds, one threshold that passes and one that fails
const scenario = `
name: html-report
description: "Checkout <locks> & a flaky backend"
seed: 7
workers: 1
backend: { type: module, path: ${JSON.stringify(flakyBackend)}, options: { downFromMs: 1500, downUntilMs: 3500 } }
phases:
  - { name: warm-up, duration: 2s, rate: 100 }
  - { name: peak, duration: 3s, rate: 300, arrival: poisson }
resources: { count: 200 }
lock: { acquireTimeout: 500ms, retry: { strategy: none } }
hold: { type: uniform, min: 1ms, max: 4ms }
thresholds:
  latency.acquire.p99: "< 10s"
  totals.errors: "== 0"
`;

describe('report.html in headless Chromium', () => {
  let skipReason: string | undefined;
  let htmlFile = '';
  let report: { thresholds: { metric: string; pass: boolean }[] };

  beforeAll(async () => {
    skipReason = chromiumMissing()?.skip;
    if (skipReason) return;
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    const result = await runCli(['run', writeScenario(scenario), '--out', artifacts, '--format', 'json,html', '-q']);
    expect(result.code, result.stderr).toBe(99);
    htmlFile = join(artifacts, 'report.html');
    report = JSON.parse(readFileSync(join(artifacts, 'report.json'), 'utf8'));
  }, 120_000);

  function skipIfNoBrowser(context: TestContext): void {
    if (skipReason) context.skip(skipReason);
  }

  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const browser of opened) await browser.close();
  });

  it('opens offline with no console errors, draws every chart, shows the failed threshold in red, and is kept as a screenshot', async (context) => {
    skipIfNoBrowser(context);
    expect(report.thresholds.find((threshold) => threshold.metric === 'totals.errors')?.pass).toBe(false);

    const browser = await launchChromium();
    opened.push(browser);
    const page = await browser.context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });

    expect(await page.title()).toBe('lockbench: html-report');
    expect(await page.locator('header .description').textContent()).toBe('Checkout <locks> & a flaky backend');

    // the spectrum: one non-empty line per latency
    const spectrumLines = await page.locator('#spectrum path.line').evaluateAll((paths) => paths.map((path) => path.getAttribute('d') ?? ''));
    expect(spectrumLines).toHaveLength(4);
    for (const d of spectrumLines) expect(d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){5,}/);

    // over time: grants, failures, in-flight/waiters, latency, each with drawn lines, phases and the outage marked
    const timeline = page.locator('#timeline svg.chart');
    expect(await timeline.count()).toBe(4);
    for (let index = 0; index < 4; index++) {
      const lines = await timeline.nth(index).locator('path.line').evaluateAll((paths) => paths.map((path) => (path.getAttribute('d') ?? '').length));
      expect(lines.length).toBeGreaterThan(0);
      expect(Math.min(...lines)).toBeGreaterThan(10);
    }
    expect(await timeline.first().locator('g.marker.phase text').allTextContents()).toEqual(expect.arrayContaining(['warm-up', 'peak']));
    expect(await timeline.first().locator('g.band.outage').count()).toBeGreaterThan(0);
    const drawn = await timeline.first().locator('path.line').first().boundingBox();
    expect(drawn!.width).toBeGreaterThan(300);

    // thresholds: the failed one is red and says by how much; the verdict says FAIL
    const failed = page.locator('#thresholds tr.fail');
    expect(await failed.count()).toBe(1);
    expect(await failed.textContent()).toMatch(/totals\.errors.*== 0.*FAIL.*off by/);
    const [red, green, blue] = (await failed.evaluate((row) => (globalThis as unknown as BrowserWindow).getComputedStyle(row).color)).match(/\d+/g)!.map(Number);
    expect(red).toBeGreaterThan(150);
    expect(green).toBeLessThan(80);
    expect(blue).toBeLessThan(80);
    expect(await page.locator('#thresholds tr.pass').textContent()).toContain('latency.acquire.p99');
    expect(await page.locator('#verdict').textContent()).toMatch(/^FAIL — 1 of 2 thresholds failed/);

    // the rest of the page a reader expects
    for (const section of ['#phases', '#little', '#safety', '#scenario']) expect(await page.locator(section).count()).toBe(1);
    expect(await page.locator('#little').textContent()).toContain('L = λW');
    // the flaky test backend grants every request at once: the safety section must say so
    expect(await page.locator('#safety .fail-text').textContent()).toMatch(/mutual exclusion VIOLATED: [\d,]+ overlaps/);
    expect(await page.locator('#scenario pre').textContent()).toContain('name: html-report');

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(htmlFile).href]);

    const screenshot = join(artifacts, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });
});
