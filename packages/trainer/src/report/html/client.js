// Draws the charts of a modelshelf report with uPlot (inlined before this script). The chart data
// is computed by the generator (charts.ts) and embedded as JSON; this script only draws it.
// Each drawn chart gets data-drawn="<number of series>" so a test can tell it was drawn.
(() => {
  const report = JSON.parse(document.getElementById('report-data').textContent);
  const utc = (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC');

  function options(spec, width) {
    const categorical = spec.kind === 'categories' || spec.kind === 'bars';
    const labels = spec.xLabels || [];
    const n = labels.length;
    const series = [{ label: categorical ? '' : 'time (UTC)' }];
    spec.series.forEach((s) => {
      const one = {
        label: s.label,
        stroke: s.color,
        width: 2,
        scale: s.right ? 'right' : 'y',
        spanGaps: false,
      };
      if (s.dashed) one.dash = [6, 4];
      if (spec.kind === 'bars') {
        one.fill = s.color;
        one.paths = uPlot.paths.bars({ size: [0.6, 80] });
        one.points = { show: false };
      } else if (spec.kind === 'scatter-time') {
        one.paths = () => null;
        one.points = { show: true, size: 6, fill: s.color };
      } else {
        one.points = { show: true, size: 5 };
      }
      series.push(one);
    });
    const axes = [
      categorical
        ? {
            splits: () => labels.map((_, i) => i),
            values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
          }
        : {},
      { label: spec.yLabel, scale: 'y' },
    ];
    if (spec.yRightLabel)
      axes.push({ label: spec.yRightLabel, scale: 'right', side: 1, grid: { show: false } });
    const scales = {
      x: categorical ? { time: false, range: [-0.5, Math.max(0.5, n - 0.5)] } : { time: true },
    };
    if (spec.kind === 'bars') scales.y = { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] };
    return {
      title: spec.title,
      width,
      height: 280,
      tzDate: utc,
      scales,
      series,
      axes,
      legend: { live: false },
      cursor: { drag: { x: true, y: false } },
    };
  }

  for (const spec of report.charts) {
    const el = document.getElementById(spec.id);
    try {
      const width = Math.max(320, Math.min(el.clientWidth || 900, 1100));
      new uPlot(options(spec, width), spec.data, el);
      el.dataset.drawn = String(spec.series.length);
    } catch (err) {
      el.textContent = `chart not drawn: ${err.message}`;
      console.error(`chart ${spec.id}: ${err.stack || err}`);
    }
  }
})();
