// The report in a real browser (Debian's headless Chromium): it loads from a file without console
// errors and without a single request besides the file itself, and every chart is drawn with the
// series it should have. A screenshot is kept in test-artifacts/report/ for a person to look at.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, type HeadlessChromium, launchChromium } from '../../../../test/support/chromium.ts';
import { INSTALL_DEPS, skipUnless } from '../../../../test/support/skips.ts';
import { storeReport } from '../../src/report/html/from-store.ts';
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

  it('loads offline, draws every chart and is kept as a screenshot', async () => {
    const input = await storeReport(fx.store, [`${LINEAR}@1`, `${LINEAR}@2`, SGD]);
    const file = await writeReport(join(fx.dir, 'report'), input);
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
    await page.screenshot({ path: join(ARTIFACTS, 'store-report.png'), fullPage: false });
    await page.screenshot({ path: join(ARTIFACTS, 'store-report-full.png'), fullPage: true });
    for (const [selector, name] of [
      ['#versions', 'versions'],
      ['#m0', 'model'],
    ] as const) {
      await (await page.$(selector))?.screenshot({ path: join(ARTIFACTS, `store-report-${name}.png`) });
    }

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    // 3 groups of charts: comparison (1), versions (2 models), 3 models × (package, dram, residuals).
    expect(charts.length).toBe(1 + 2 + 3 * 3);
    for (const c of charts) {
      expect(c.drawn, c.id).toBe(c.expected);
      // uPlot's legend (not live, so without the x series) has one row per drawn series.
      expect(c.legend, c.id).toBe(c.expected);
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.painted, c.id).toBeGreaterThan(1000);
    }
    await page.close();
  });
});
