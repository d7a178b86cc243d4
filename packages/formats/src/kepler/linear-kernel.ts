// A straight-line JavaScript kernel compiled per model for the common case (all components linear, node-level
// system values, Kepler's fill-in): every weight, scale and column is a literal, each input value is read once
// per row, and nothing is looked up or allocated in the loop. V8 turns it into tight machine code, several
// times faster than the generic loop in power-model.ts, with bit-identical results because every operation
// and its order are the same: p = base; p += w·(x / s) per kept feature in file order; then the fill-in.

export interface LinearKernelTerm {
  col: number;
  weight: number;
  center: number;
  divisor: number;
}

/** (input, rows, out, bases) → void; bases[c] = bias + categorical weights of component c. */
export type LinearKernel = (
  input: Float64Array,
  rows: number,
  out: Float64Array,
  bases: Float64Array,
) => void;

/** Exact JS literal for a double (String() round-trips, but drops the sign of -0). */
const literal = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

export function compileLinearKernel(
  nFeatures: number,
  components: readonly LinearKernelTerm[][],
  fill: { package: number; core: number; uncore: number } | undefined,
): LinearKernel {
  const nOut = components.length;
  const used = [...new Set(components.flat().map((t) => t.col))].sort((a, b) => a - b);
  const lines = [
    '"use strict";',
    `for (let r = 0, i = 0, o = 0; r < rows; r++, i += ${nFeatures}, o += ${nOut}) {`,
  ];
  for (const col of used) lines.push(`  const x${col} = input[i + ${col}];`);
  components.forEach((terms, c) => {
    lines.push(`  let p${c} = bases[${c}];`);
    for (const t of terms) {
      const x = t.center === 0 ? `x${t.col}` : `(x${t.col} - ${literal(t.center)})`; // x - 0 === x for every double
      lines.push(`  p${c} += ${literal(t.weight)} * (${x} / ${literal(t.divisor)});`);
    }
  });
  if (fill) {
    const v = (c: number) => (c >= 0 ? `p${c}` : '0');
    lines.push(`  const cu = ${v(fill.core)} + ${v(fill.uncore)};`);
    lines.push(`  let pk = ${v(fill.package)};`);
    lines.push('  if (pk < cu) pk = cu;');
    if (fill.package >= 0) lines.push(`  p${fill.package} = pk;`);
    if (fill.core >= 0) lines.push(`  if (p${fill.core} === 0) p${fill.core} = pk - ${v(fill.uncore)};`);
  }
  for (let c = 0; c < nOut; c++) lines.push(`  out[o + ${c}] = p${c};`);
  lines.push('}');
  return new Function('input', 'rows', 'out', 'bases', lines.join('\n')) as LinearKernel;
}
