// Isolation for DynPower, Kepler's MinIdleIsolator: the lowest power seen in the window is taken as
// the idle power, and each power column becomes label − min(label). It needs the window to contain
// a (near-)idle moment; otherwise part of the dynamic power is removed as "idle".

export function minIdleIsolate(y: Record<string, Float64Array>): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [component, values] of Object.entries(y)) {
    let min = Number.POSITIVE_INFINITY;
    for (const v of values) if (v < min) min = v;
    out[component] = values.map((v) => v - min);
  }
  return out;
}
