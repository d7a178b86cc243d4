// The human report: one line per trained model, then what was skipped and why, then the best
// model per output type and feature group.
import type { ReportDocument } from './document.ts';

export function formatReport(doc: ReportDocument): string {
  const lines: string[] = [];
  lines.push(
    `${doc.energySource} from ${doc.origin}: ${doc.extracted.rows} rows extracted, ${doc.extracted.features.length} features, components ${doc.extracted.components.join(', ')}`,
  );
  for (const n of doc.notes) lines.push(`note: ${n}`);
  const used = [...new Set(doc.models.map((m) => m.rows.train + m.rows.test))].sort((a, b) => b - a);
  if (used.length > 0 && (used.length > 1 || used[0] !== doc.extracted.rows)) {
    lines.push(
      `note: models train on the rows with a value in every feature and component they use: ${used.join(' or ')} of the ${doc.extracted.rows}, 10% of them held out (train/test below)`,
    );
  }
  const components = doc.extracted.components;
  if (doc.models.length > 0) {
    const header = [
      'model',
      'mae',
      'mape',
      ...components.map((c) => `${c} mae/mape`),
      'train/test',
      'publish',
    ];
    const rows = doc.models.map((m) => [
      m.name,
      fmt(m.mae),
      fmt(m.mape),
      ...components.map((c) =>
        m.components[c] ? `${fmt(m.components[c].mae)}/${mapeCell(m.components[c].mape)}` : '-',
      ),
      `${m.rows.train}/${m.rows.test}`,
      publishCell(m.publish),
    ]);
    lines.push('', ...alignColumns([header, ...rows]));
    const flat = components.filter((c) => doc.models.some((m) => m.components[c]?.mape === -1));
    if (flat.length > 0) {
      lines.push(
        `n/a: no held-out row had measured ${flat.join(', ')} power above 0 W (the data reports none), so mape is undefined there (Kepler's metadata records -1)`,
      );
    }
  } else {
    lines.push('', 'no model was trained');
  }
  const skippedReasons = doc.models.filter((m) => m.publish?.reason && m.publish.action !== 'published');
  for (const m of skippedReasons) lines.push(`  ${m.name}: ${m.publish!.reason}`);
  if (doc.skipped.length) {
    lines.push('', 'skipped pipelines:');
    for (const s of doc.skipped) lines.push(`  ${s.outputType}: ${s.message}`);
  }
  if (doc.failures.length) {
    lines.push('', 'failed trainers:');
    for (const f of doc.failures)
      lines.push(`  ${f.outputType}/${f.featureGroup}/${f.trainer}: ${f.message}`);
  }
  const best = Object.entries(doc.best);
  if (best.length) {
    lines.push('', 'best model (lowest mae) per output type and feature group:');
    for (const [key, name] of best) lines.push(`  ${key}: ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

function publishCell(p: ReportDocument['models'][number]['publish']): string {
  if (!p) return '-';
  if (p.action === 'published') return `v${p.version}`;
  return p.action;
}

function mapeCell(mape: number): string {
  return mape < 0 ? 'n/a' : fmt(mape);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** Pads columns; numbers right-aligned, text left-aligned. */
export function alignColumns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) =>
        /^-?[0-9.]+(\/(-?[0-9.]+|n\/a))?$/.test(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!),
      )
      .join('  ')
      .trimEnd(),
  );
}
