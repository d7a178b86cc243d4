// Go's `uint64(float64)` and uint64 arithmetic, reproduced bit for bit so milliwatt figures match Kepler's.
//
// The Go spec leaves an out-of-range float→unsigned conversion "implementation-dependent", and the two
// architectures Kepler ships for really do differ (golang/go#43047, #52943):
//   amd64: x < 2^63 → CVTTSD2SQ(x) (truncate toward zero, read as two's complement), so uint64(-2.7) = 2^64 - 2;
//          anything CVTTSD2SQ cannot represent (NaN, |x| ≥ 2^63) gives 0x8000000000000000; for x ≥ 2^63 the
//          compiler converts x - 2^63 and ORs the top bit back in (cmd/compile ssagen floatToUint).
//   arm64: FCVTZU saturates: negatives and NaN → 0, x ≥ 2^64 → 2^64 - 1.
// We default to amd64, the architecture of Kepler's published images and of every fixture here.

export type GoArch = 'amd64' | 'arm64';

const TWO_63 = 2 ** 63; // exact in float64
const TWO_64 = 2 ** 64;
const INDEFINITE = 0x8000000000000000n;
const UINT64_MAX = 0xffffffffffffffffn;

function cvttsd2sq(x: number): bigint {
  if (Number.isNaN(x) || x >= TWO_63 || x < -TWO_63) return INDEFINITE;
  return BigInt.asUintN(64, BigInt(Math.trunc(x)));
}

/** `uint64(x)` for a float64 x as compiled by Go for `arch`. */
export function goFloat64ToUint64(x: number, arch: GoArch = 'amd64'): bigint {
  if (arch === 'arm64') {
    if (Number.isNaN(x) || x <= 0) return 0n;
    if (x >= TWO_64) return UINT64_MAX;
    return BigInt(Math.trunc(x));
  }
  if (x < TWO_63) return cvttsd2sq(x);
  return cvttsd2sq(x - TWO_63) | INDEFINITE;
}

/** uint64 addition/subtraction wrap modulo 2^64 in Go. */
export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

export interface ComponentMilliwatts {
  package: bigint;
  core: bigint;
  uncore: bigint;
  dram: bigint;
}

/** Kepler's FillNodeComponentsPower on uint64 milliwatts (wrapping like Go when core + uncore overflows). */
export function fillNodeComponentsMilliwatts(p: ComponentMilliwatts): ComponentMilliwatts {
  let pkg = p.package;
  let core = p.core;
  const coreUncore = u64(core + p.uncore);
  if (pkg < coreUncore) pkg = coreUncore;
  if (core === 0n) core = u64(pkg - p.uncore);
  return { package: pkg, core, uncore: p.uncore, dram: p.dram };
}
