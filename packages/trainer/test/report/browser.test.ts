// The report in a real browser (Debian's headless Chromium): it loads from a file without console
// errors and without a single request besides the file itself, and every chart is drawn with the
// series it should have. Screenshots are kept in test-artifacts/report/ for a person to look at.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, type HeadlessChromium, launchChromium } from '../../../../test/support/chromium.ts';
import { INSTALL_DEPS, skipUnless } from '../../../../test/support/skips.ts';
import { storeReport } from '../../src/report/html/from-store.ts';
import { trainingReport } from '../../src/report/html/from-training.ts';
import { writeReport } from '../../src/report/html/write.ts';
import { LINEAR, type ReportStore, reportStore, SGD } from './store-fixture.ts';

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/report/', import.meta.url));

const ok = skipUnless({
  suite: 'trainer: HTML report in headless Chromium',
  missing: chromiumMissing(),
  enable: `${INSTALL_DEPS} (Debian's chromium)`,
});

describe.runIf(ok)('HTML report in Chromium', () => {
  let fx: ReportStore;
  let chromium: HeadlessChromium;
  beforeAll(async () => {
    fx = await reportStore();
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await fx?.remove();
  });

  /** Loads a report file, refusing every request but the file itself; what the page did and drew. */
  async function load(file: string, screenshot: string) {
    const url = pathToFileURL(file).href;
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    const requests: string[] = [];
    const problems: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (r) => {
      requests.push(r.url());
      // Anything but the report itself is refused, so a stray fetch shows up as a failure too.
      if (r.url() === url) r.continue();
      else r.abort();
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${(e as Error).message}`));
    await page.goto(url, { waitUntil: 'load' });
    const charts = await page.$$eval('.chart', (els) =>
      els.map((el) => {
        const canvas = el.querySelector('canvas');
        let painted = 0;
        if (canvas) {
          const ctx = canvas.getContext('2d')!;
          const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          // Pixels drawn in colour (series and axes); an undrawn canvas is all transparent.
          for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
        }
        return {
          id: el.id,
          expected: Number((el as HTMLElement).dataset.series),
          drawn: Number((el as HTMLElement).dataset.drawn ?? 0),
          legend: el.querySelectorAll('.u-legend .u-series').length,
          painted,
          width: canvas?.width ?? 0,
        };
      }),
    );
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${screenshot}.png`), fullPage: false });
    await page.screenshot({ path: join(ARTIFACTS, `${screenshot}-full.png`), fullPage: true });
    for (const [selector, name] of [
      ['#versions', 'versions'],
      ['#m0', 'model'],
    ] as const) {
      await (await page.$(selector))?.screenshot({ path: join(ARTIFACTS, `${screenshot}-${name}.png`) });
    }
    await page.close();
    return { url, requests, problems, charts };
  }

  function expectAllDrawn(charts: Awaited<ReturnType<typeof load>>['charts']) {
    for (const c of charts) {
      expect(c.drawn, c.id).toBe(c.expected);
      // uPlot's legend (not live, so without the x series) has one row per drawn series.
      expect(c.legend, c.id).toBe(c.expected);
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.painted, c.id).toBeGreaterThan(1000);
    }
  }

  it('of stored versions loads offline, draws every chart and is kept as a screenshot', async () => {
    const input = await storeReport(fx.store, [`${LINEAR}@1`, `${LINEAR}@2`, SGD]);
    const page = await load(await writeReport(join(fx.dir, 'report'), input), 'store-report');
    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([page.url]);
    // The comparison (1), versions (2 models), 3 models × (package, dram, residuals).
    expect(page.charts.length).toBe(1 + 2 + 3 * 3);
    expectAllDrawn(page.charts);
  });

  it('of a dry run loads offline and draws every chart', async () => {
    const input = await trainingReport(fx.last, []);
    const page = await load(await writeReport(join(fx.dir, 'dry-run'), input), 'training-report');
    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([page.url]);
    // The comparison (1), no versions (nothing published), 2 models × (package, dram, residuals).
    expect(page.charts.length).toBe(1 + 2 * 3);
    expectAllDrawn(page.charts);
  });
});
