// One compare-and-swap writer process for bench/cas.bench.ts: increments one counter until told to
// stop, timing every successful increment (retries included). "log" is the filesystem driver's
// swap; "lock" is the lock-based swap of earlier versions (a lock file judged stale by its mtime
// against the local clock), kept here only as the baseline.
//   cas-writer.ts <root> log|lock <durationMs>   prints "ready", waits for a line on stdin, runs,
//                                                prints {"latencies":[ms...],"conflicts":n}
// A conflict backs off with jitter, as the registry's head updates do (store/head.ts).
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { FsDriver } from '../packages/registry/src/drivers/fs.ts';
import { PreconditionFailedError } from '../packages/registry/src/errors.ts';

const KEY = 'bench/@head.json';
const etagOf = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 32);

/** The lock-based putIfMatch of modelshelf before the generation log (staleLockMs 30 s, wait 10 s). */
class LegacyLockCas {
  constructor(
    private readonly root: string,
    private readonly staleLockMs = 30_000,
    private readonly lockWaitMs = 10_000,
  ) {}
  private path(key: string) {
    return join(this.root, ...key.split('/'));
  }
  async get(key: string) {
    const body = new Uint8Array(await readFile(this.path(key)));
    return { body, etag: etagOf(body) };
  }
  private async temp(body: Uint8Array, durable: boolean): Promise<string> {
    const dir = join(this.root, '.tmp');
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(body);
      if (durable) await fh.sync();
    } finally {
      await fh.close();
    }
    return tmp;
  }
  async putIfMatch(key: string, body: Uint8Array, etag: string) {
    const release = await this.lock(key);
    try {
      const current = await this.get(key);
      if (current.etag !== etag) throw new PreconditionFailedError(key);
      const tmp = await this.temp(body, true);
      await rename(tmp, this.path(key));
      await syncDir(dirname(this.path(key)));
    } finally {
      await release();
    }
  }
  private async lock(key: string): Promise<() => Promise<void>> {
    const lockPath = join(this.root, '.locks', encodeURIComponent(key));
    const deadline = Date.now() + this.lockWaitMs;
    const tmp = await this.temp(new TextEncoder().encode(JSON.stringify({ pid: process.pid })), false);
    try {
      await mkdir(dirname(lockPath), { recursive: true });
      for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
        try {
          await link(tmp, lockPath);
          return async () => {
            await unlink(lockPath).catch(() => {});
          };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const held = await stat(lockPath).catch(() => undefined);
        if (held && Date.now() - held.mtimeMs > this.staleLockMs) {
          const broken = `${lockPath}.broken-${randomBytes(6).toString('hex')}`;
          if (
            await rename(lockPath, broken).then(
              () => true,
              () => false,
            )
          )
            await unlink(broken).catch(() => {});
          continue;
        }
        if (Date.now() > deadline) throw new PreconditionFailedError(key);
        await sleep(delay + Math.random() * delay);
      }
    } finally {
      await unlink(tmp).catch(() => {});
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => {});
  await fh.close().catch(() => {});
}

const [root, algo, duration] = process.argv.slice(2) as [string, 'log' | 'lock', string];
const cas = algo === 'lock' ? new LegacyLockCas(root) : new FsDriver(root);
console.log('ready');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((go) => lines.once('line', () => go()));
lines.close();
const latencies: number[] = [];
let conflicts = 0;
const end = performance.now() + Number(duration);
while (performance.now() < end) {
  const t0 = performance.now();
  for (let attempt = 0; ; attempt++) {
    const cur = await cas.get(KEY);
    try {
      await cas.putIfMatch(
        KEY,
        new TextEncoder().encode(String(Number(new TextDecoder().decode(cur.body)) + 1)),
        cur.etag,
      );
      break;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      conflicts++;
      // The registry's head updates back off like this on a conflict (store/head.ts).
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }
  latencies.push(performance.now() - t0);
}
console.log(JSON.stringify({ latencies, conflicts }));
