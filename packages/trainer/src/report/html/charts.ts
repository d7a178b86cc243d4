// The charts of a report as plain data (x values, series, labels): computed here in Node, drawn in
// the page by client.js with uPlot. Keeping the arithmetic out of the page keeps it testable.
import type { ReportComparison, ReportHistory, ReportModel } from './model.ts';

export type ChartKind = 'time' | 'scatter-time' | 'categories' | 'bars';

export interface ChartSeries {
  label: string;
  color: string;
  /** Second y axis (right), e.g. mape beside mae. */
  right?: boolean;
  dashed?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  kind: ChartKind;
  yLabel: string;
  yRightLabel?: string;
  /** Labels of the x positions for 'categories' and 'bars' (x is then 0..n-1). */
  xLabels?: string[];
  series: ChartSeries[];
  /** [x, ...one array per series]; null is a gap. */
  data: (number | null)[][];
}

const COMPONENT_COLORS: Record<string, string> = {
  package: '#1f77b4',
  core: '#ff7f0e',
  uncore: '#2ca02c',
  dram: '#d62728',
  platform: '#9467bd',
};
const FALLBACK = ['#8c564b', '#e377c2', '#17becf', '#bcbd22'];
const MEASURED = '#333333';

export function componentColor(component: string, index: number): string {
  return COMPONENT_COLORS[component] ?? FALLBACK[index % FALLBACK.length]!;
}

/** Components worth a chart: a component measured at 0 W on every held-out row has nothing to show. */
export function drawnComponents(model: ReportModel): { drawn: string[]; flat: string[] } {
  const drawn: string[] = [];
  const flat: string[] = [];
  for (const [name, c] of Object.entries(model.holdout?.components ?? {})) {
    (c.measured.every((w) => w === 0) ? flat : drawn).push(name);
  }
  return { drawn, flat };
}

export function modelCharts(model: ReportModel, prefix: string): ChartSpec[] {
  const h = model.holdout;
  if (!h) return [];
  const { drawn } = drawnComponents(model);
  const charts: ChartSpec[] = drawn.map((component, i) => ({
    id: `${prefix}-${component}`,
    title: `${component}: predicted and measured watts on the held-out rows`,
    kind: 'time',
    yLabel: 'W',
    series: [
      { label: `${component} measured`, color: MEASURED },
      { label: `${component} predicted`, color: componentColor(component, i), dashed: true },
    ],
    data: [h.timestamps, h.components[component]!.measured, h.components[component]!.predicted],
  }));
  if (drawn.length > 0) {
    charts.push({
      id: `${prefix}-residuals`,
      title: 'residuals (predicted − measured) on the held-out rows',
      kind: 'scatter-time',
      yLabel: 'W',
      series: drawn.map((component, i) => ({ label: component, color: componentColor(component, i) })),
      data: [
        h.timestamps,
        ...drawn.map((component) => {
          const c = h.components[component]!;
          return c.predicted.map((p, j) => round6(p - c.measured[j]!));
        }),
      ],
    });
  }
  return charts;
}

export function historyChart(history: ReportHistory, id: string): ChartSpec {
  return {
    id,
    title: `${history.model}: errors per version`,
    kind: 'categories',
    yLabel: 'mae (W)',
    yRightLabel: 'mape (%)',
    xLabels: history.versions.map((v) => versionLabel(v)),
    series: [
      { label: 'mae', color: '#1f77b4' },
      { label: 'mape', color: '#ff7f0e', right: true, dashed: true },
    ],
    data: [
      history.versions.map((_, i) => i),
      history.versions.map((v) => v.mae ?? null),
      history.versions.map((v) => (v.mape === undefined || v.mape < 0 ? null : v.mape)),
    ],
  };
}

export function versionLabel(v: ReportHistory['versions'][number]): string {
  const refs = [...(v.pinned ? ['pin'] : []), ...v.aliases, ...(v.latest ? ['latest'] : [])];
  return refs.length ? `v${v.version} (${refs.join(', ')})` : `v${v.version}`;
}

export function comparisonChart(c: ReportComparison, id: string): ChartSpec {
  return {
    id,
    title: `${c.group}: mae per trainer`,
    kind: 'bars',
    yLabel: 'mae (W)',
    xLabels: c.candidates.map((m) => m.trainer ?? m.model),
    series: [
      { label: 'mae', color: '#9ecae1' },
      { label: 'estimator’s choice', color: '#08519c' },
    ],
    data: [
      c.candidates.map((_, i) => i),
      c.candidates.map((m) => (m.model === c.chosen || !Number.isFinite(m.mae) ? null : (m.mae ?? null))),
      c.candidates.map((m) => (m.model === c.chosen ? (m.mae ?? null) : null)),
    ],
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
