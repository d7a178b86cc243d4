// Feature names across Kepler releases.
//
// `bpf_cpu_time_us` was renamed `bpf_cpu_time_ms` (kepler#1213/#1214, kepler-model-server#227)
// because the eBPF program had always counted milliseconds: only the name was wrong. So the
// values are taken over unchanged — no ×1000 or ÷1000 — and the 2023-09 fixture's
// `bpf_cpu_time_us` trains the same feature as idle.json's `bpf_cpu_time_ms`. (Check on the
// 2023-09 data: one stress container's counter grows ~1,650 per second — 1.65 CPU-seconds per
// second in ms, an impossible 1.65 ms per second in µs.)
const RENAMED: Record<string, string> = { bpf_cpu_time_us: 'bpf_cpu_time_ms' };

export function canonicalFeatureName(name: string): string {
  return RENAMED[name] ?? name;
}

/** True if the name is a legacy spelling that canonicalFeatureName rewrites. */
export function isLegacyFeatureName(name: string): boolean {
  return name in RENAMED;
}
