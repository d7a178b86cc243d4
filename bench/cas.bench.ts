// Compare-and-swap on a filesystem: throughput and p99 latency of one contended counter with 2, 8
// and 16 writer processes, on the local disk and on CephFS (writers split across the two ceph-fuse
// mounts), for the generation-log swap beside the lock-based swap it replaced (bench/cas-writer.ts),
// in the same run. The log swap is correct under clock skew and paused writers; this shows its cost.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchModule, percentile } from './harness.ts';

const WRITER = fileURLToPath(new URL('./cas-writer.ts', import.meta.url));
const DURATION_MS = Number(process.env.MODELSHELF_BENCH_CAS_MS ?? 4000);

interface Run {
  swapsPerSecond: number;
  p99: number;
  lostUpdates: number;
}

async function runWriters(roots: string[], algo: 'log' | 'lock', writers: number): Promise<Run> {
  const root = roots[0]!;
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, 'bench'), { recursive: true });
  await writeFile(join(root, 'bench', '@head.json'), '0');
  const children = Array.from({ length: writers }, (_, i) =>
    spawn(
      process.execPath,
      ['--import', 'tsx', WRITER, roots[i % roots.length]!, algo, String(DURATION_MS)],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  );
  const outputs = children.map(
    (c) =>
      new Promise<string>((resolve, reject) => {
        let out = '';
        c.stdout.on('data', (d) => {
          out += d;
          if (out.startsWith('ready\n') && !(c as unknown as { go?: boolean }).go) {
            (c as unknown as { go?: boolean }).go = true;
            ready();
          }
        });
        c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`writer exited ${code}`))));
      }),
  );
  let waiting = writers;
  let allReady!: () => void;
  const started = new Promise<void>((r) => (allReady = r));
  const ready = () => {
    if (--waiting === 0) allReady();
  };
  await started;
  for (const c of children) c.stdin.end('go\n');
  const results = (await Promise.all(outputs)).map(
    (o) => JSON.parse(o.trim().split('\n').at(-1)!) as { latencies: number[] },
  );
  const latencies = results.flatMap((r) => r.latencies);
  const { readFile } = await import('node:fs/promises');
  const { FsDriver } = await import('../packages/registry/src/drivers/fs.ts');
  const final =
    algo === 'log'
      ? Number(new TextDecoder().decode((await new FsDriver(root).get('bench/@head.json')).body))
      : Number(await readFile(join(root, 'bench', '@head.json'), 'utf8'));
  return {
    swapsPerSecond: latencies.length / (DURATION_MS / 1000),
    p99: percentile(latencies, 99),
    lostUpdates: latencies.length - final,
  };
}

async function compare(
  ctx: Parameters<BenchModule['run']>[0],
  label: string,
  roots: string[],
): Promise<void> {
  for (const writers of [2, 8, 16]) {
    const log = await runWriters(roots, 'log', writers);
    const lock = await runWriters(roots, 'lock', writers);
    ctx.row({
      name: `${label}: ${writers} writers, swaps/s`,
      value: log.swapsPerSecond,
      unit: '/s',
      baseline: 'lock-based swap',
      baselineValue: lock.swapsPerSecond,
      higherIsBetter: true,
    });
    ctx.row({
      name: `${label}: ${writers} writers, p99 per swap`,
      value: log.p99,
      unit: 'ms',
      baseline: 'lock-based swap',
      baselineValue: lock.p99,
    });
    ctx.note(
      `lost updates: generation log ${log.lostUpdates}, lock-based ${lock.lostUpdates} (no skew, no pauses)`,
    );
  }
}

const bench: BenchModule = {
  title: 'compare-and-swap on a filesystem (generation log vs lock file)',
  async run(ctx) {
    await compare(ctx, 'local disk', [join(ctx.tmpDir, 'cas')]);
    const a = process.env.MODELSHELF_TEST_CEPHFS_A;
    const b = process.env.MODELSHELF_TEST_CEPHFS_B;
    if (!a || !b) {
      ctx.note('CephFS skipped: MODELSHELF_TEST_CEPHFS_A/B unset (eval "$(scripts/ceph-dev.sh up)")');
      return;
    }
    const dir = await mkdtemp(join(a, 'bench-cas-'));
    const name = dir.slice(a.length);
    try {
      await compare(ctx, 'CephFS, 2 mounts', [dir, join(b, name)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
