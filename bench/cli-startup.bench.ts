// How long `modelshelf` takes to start, beside `node -e 0` (the floor any Node program pays), measured
// by hyperfine (scripts/install-deps.sh installs it). The binary is the compiled one `pnpm install`
// builds (rebuilt first if its sources changed). Target: at most 2× `node -e 0`.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureBuilt } from '../packages/cli/scripts/build.mjs';
import type { BenchModule } from './harness.ts';

const run = promisify(execFile);
const BIN = new URL('../packages/cli/bin/modelshelf.js', import.meta.url).pathname;

interface Timing {
  /** Mean wall-clock seconds. */
  mean: number;
  /** Median wall-clock seconds: a few runs delayed by other processes move it less than the mean. */
  median: number;
  /** Mean CPU seconds (user + system): less disturbed than wall time when the machine is loaded. */
  cpu: number;
}

/** Each command's timings, from one hyperfine run so every figure shares the same conditions. */
async function hyperfine(commands: string[], out: string): Promise<Timing[]> {
  await run('hyperfine', ['-N', '--warmup', '3', '--runs', '20', '--export-json', out, ...commands]);
  const doc = JSON.parse(await readFile(out, 'utf8')) as {
    results: { mean: number; median: number; user: number; system: number }[];
  };
  return doc.results.map((r) => ({ mean: r.mean, median: r.median, cpu: r.user + r.system }));
}

const bench: BenchModule = {
  title: 'CLI start-up (hyperfine)',
  async skip() {
    return run('hyperfine', ['--version']).then(
      () => undefined,
      () => 'hyperfine is not installed (scripts/install-deps.sh)',
    );
  },
  async run({ tmpDir, row, note }) {
    if (await ensureBuilt()) note('rebuilt packages/cli/dist first');
    const store = join(tmpDir, 'store');
    await run(process.execPath, [BIN, '--store', store, 'init']);
    // A small store: three models, one with two versions.
    const files = join(tmpDir, 'files');
    await mkdir(files);
    await writeFile(join(files, 'weights.json'), '{"w": [1, 2, 3]}\n');
    for (const model of [
      'a/AbsPower/BPFOnly/M_0',
      'a/AbsPower/BPFOnly/M_1',
      'a/DynPower/BPFOnly/M_0',
      'a/DynPower/BPFOnly/M_0',
    ])
      await run(process.execPath, [BIN, '--store', store, 'push', model, files, '--quiet']);
    const node = `${process.execPath} -e 0`;
    const [base, help, ls] = await hyperfine(
      [node, `${process.execPath} ${BIN} --help`, `${process.execPath} ${BIN} --store ${store} ls`],
      join(tmpDir, 'hyperfine.json'),
    );
    for (const [name, value] of [
      ['modelshelf --help', help!],
      ['modelshelf ls (3 models, 4 versions)', ls!],
    ] as const) {
      row({
        name,
        value: value.mean * 1000,
        unit: 'ms',
        baseline: 'node -e 0',
        baselineValue: base!.mean * 1000,
        target: '<= 2x node -e 0',
      });
      note(
        `${name}: ${(value.mean / base!.mean).toFixed(2)}× node -e 0 wall (median ` +
          `${(value.median * 1000).toFixed(0)} vs ${(base!.median * 1000).toFixed(0)} ms = ` +
          `${(value.median / base!.median).toFixed(2)}×); CPU (user+sys) ` +
          `${(value.cpu * 1000).toFixed(0)} ms vs ${(base!.cpu * 1000).toFixed(0)} ms = ${(value.cpu / base!.cpu).toFixed(2)}×`,
      );
    }
  },
};
export default bench;
