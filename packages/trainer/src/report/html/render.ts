// ReportInput → one self-contained HTML document: tables rendered here, charts drawn in the page
// by uPlot from embedded JSON. Nothing is fetched: scripts and styles are inline, and the page's
// Content-Security-Policy forbids any request, so it opens the same offline, from a mail, or a CI artifact.
import { reportAssets } from './assets.ts';
import {
  type ChartSpec,
  comparisonChart,
  drawnComponents,
  historyChart,
  modelCharts,
  versionLabel,
} from './charts.ts';
import type { ReportComparison, ReportHistory, ReportInput, ReportModel } from './model.ts';

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export function renderReport(input: ReportInput): string {
  const charts: ChartSpec[] = [];
  const sections: string[] = [];
  if (input.comparisons.length) {
    sections.push(
      section(
        'comparisons',
        'Which model the estimator would serve, per feature group',
        `<p class="lead">The estimator's best-model rule: lowest mae among the eligible models (a features list the node supplies, a usable mae); ties go to the first name.</p>` +
          input.comparisons.map((c, i) => comparison(c, `cmp-${i}`, charts)).join(''),
      ),
    );
  }
  if (input.histories.length) {
    sections.push(
      section(
        'versions',
        'Errors across versions',
        input.histories.map((h, i) => history(h, `ver-${i}`, charts)).join(''),
      ),
    );
  }
  sections.push(section('models', 'Models', input.models.map((m, i) => model(m, `m${i}`, charts)).join('')));
  if (input.notes.length) {
    sections.push(
      section('notes', 'Notes', `<ul>${input.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`),
    );
  }
  const assets = reportAssets();
  const data = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="modelshelf">
<title>${esc(input.title)}</title>
<style>${assets.uplotCss}</style>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(input.title)}</h1>
<p class="meta">from ${esc(input.source)} · generated ${esc(input.generatedAt)} · ${input.models.length} model${input.models.length === 1 ? '' : 's'} · ${charts.length} charts</p>
<nav>${toc(input)}</nav>
</header>
<main>
${sections.join('\n')}
</main>
<script type="application/json" id="report-data">${data}</script>
<script>${inlineScript(assets.uplotJs)}</script>
<script>${inlineScript(assets.clientJs)}</script>
</body>
</html>
`;
}

function toc(input: ReportInput): string {
  const links = [
    ...(input.comparisons.length ? ['<a href="#comparisons">per feature group</a>'] : []),
    ...(input.histories.length ? ['<a href="#versions">across versions</a>'] : []),
    '<a href="#models">models</a>',
    ...(input.notes.length ? ['<a href="#notes">notes</a>'] : []),
  ];
  return links.join(' · ');
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
}

function chartSlot(spec: ChartSpec, charts: ChartSpec[]): string {
  charts.push(spec);
  return `<div class="chart" id="${spec.id}" data-series="${spec.series.length}"></div>`;
}

function comparison(c: ReportComparison, id: string, charts: ChartSpec[]): string {
  const rows = c.candidates
    .map((m) => {
      const chosen = m.model === c.chosen;
      const state = chosen
        ? '<strong>chosen</strong>'
        : m.excluded
          ? `excluded: ${esc(m.excluded)}`
          : 'eligible';
      return `<tr${chosen ? ' class="chosen"' : ''}><td>${esc(m.trainer ?? m.model)}</td><td>${m.version === undefined ? '–' : `v${m.version}`}</td><td class="num">${fmt(m.mae)}</td><td>${state}</td></tr>`;
    })
    .join('');
  return `<article class="group"><h3>${esc(c.group)}</h3>${c.note ? `<p class="note">${esc(c.note)}</p>` : ''}${chartSlot(comparisonChart(c, id), charts)}
<table><thead><tr><th>trainer</th><th>version</th><th>mae (W)</th><th>estimator</th></tr></thead><tbody>${rows}</tbody></table></article>`;
}

function history(h: ReportHistory, id: string, charts: ChartSpec[]): string {
  const rows = h.versions
    .map(
      (v) =>
        `<tr${v.pinned ? ' class="chosen"' : ''}><td>${esc(versionLabel(v))}</td><td class="num">${fmt(v.mae)}</td><td class="num">${mapeCell(v.mape)}</td><td>${esc(v.createdAt ?? '')}</td></tr>`,
    )
    .join('');
  return `<article><h3>${esc(h.model)}</h3>${chartSlot(historyChart(h, id), charts)}
<table><thead><tr><th>version</th><th>mae (W)</th><th>mape (%)</th><th>published</th></tr></thead><tbody>${rows}</tbody></table></article>`;
}

function model(m: ReportModel, id: string, charts: ChartSpec[]): string {
  const title = m.version === undefined ? m.name : `${m.name}@${m.version}`;
  const td = m.trainingData;
  const facts: [string, string | undefined][] = [
    ['trainer', m.trainer],
    ['feature group', m.featureGroup],
    ['output type', m.outputType],
    ['digest', m.digest],
    ['training data', td?.origin],
    ['window (UTC)', td?.start && td?.end ? `${td.start} – ${td.end}` : undefined],
    ['rows', td?.rows === undefined ? undefined : String(td.rows)],
    ['data sha256', td?.sha256],
    [
      'held-out rows',
      m.holdout ? `${m.holdout.timestamps.length} (split seed ${m.holdout.seed})` : undefined,
    ],
  ];
  const dl = facts
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v!)}</dd>`)
    .join('');
  const { flat } = drawnComponents(m);
  const errors = Object.entries(m.components)
    .map(
      ([c, s]) =>
        `<tr><td>${esc(c)}</td><td class="num">${fmt(s.mae)}</td><td class="num">${mapeCell(s.mape)}</td></tr>`,
    )
    .join('');
  const overall = `<tr class="total"><td>worst component</td><td class="num">${fmt(m.mae)}</td><td class="num">${mapeCell(m.mape)}</td></tr>`;
  const flatNote = flat.length
    ? `<p class="note">${esc(flat.join(', '))}: measured 0 W on every held-out row (this data reports no such power), so no chart; mape is n/a there.</p>`
    : '';
  const missing = m.holdoutMissing ? `<p class="note">${esc(m.holdoutMissing)}</p>` : '';
  const chartHtml = modelCharts(m, id)
    .map((spec) => chartSlot(spec, charts))
    .join('');
  return `<article class="model" id="${id}"><h3>${esc(title)}</h3><dl>${dl}</dl>
<table><thead><tr><th>component</th><th>mae (W)</th><th>mape (%)</th></tr></thead><tbody>${errors}${overall}</tbody></table>
${flatNote}${missing}${chartHtml}</article>`;
}

function mapeCell(mape: number | undefined): string {
  if (mape === undefined) return '–';
  if (mape < 0) return '<span title="no held-out row had measured power above 0 W">n/a</span>';
  return fmt(mape);
}

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** A script's text may not contain "</script"; escaping the slash keeps the JavaScript unchanged. */
function inlineScript(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script');
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0 auto; max-width: 1140px; padding: 0 20px 40px; }
h1 { font-size: 22px; margin: 20px 0 4px; }
h2 { font-size: 18px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 24px 0 6px; font-family: ui-monospace, monospace; word-break: break-all; }
.meta, .lead, .note { color: #555; }
.note { font-style: italic; }
nav a { color: #08519c; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.chosen td, tr.total td { font-weight: 600; }
tr.chosen td { background: #eef5fc; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
dt { color: #555; }
dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
.chart { margin: 10px 0 18px; min-height: 300px; }
article { margin-bottom: 18px; }
`;
