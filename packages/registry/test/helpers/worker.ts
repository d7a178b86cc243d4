// A child process for crash and concurrency tests: `node --import tsx worker.ts <json>`.
// Modes: "publish" (publish versions in a loop, streaming a large file slowly so kills land mid-file),
// "publish-once" (one version, prints its number), "moves" (pin/alias moves), "cas" (compare-and-swap
// increments of one counter through FsDriver.putIfMatch, optionally stopping itself with SIGSTOP
// inside the swap), "gc" (gc in a loop).
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FsDriver } from '../../src/drivers/fs.ts';
import { ConflictError, PreconditionFailedError } from '../../src/errors.ts';
import { openStore } from '../../src/store.ts';

interface Job {
  mode: 'publish' | 'publish-once' | 'publish-n' | 'moves' | 'cas' | 'gc';
  store: string;
  model: string;
  id: number;
  count?: number;
  versions?: number[];
  /** Size of the streamed blob of "publish" (default 2 MiB). */
  blobBytes?: number;
  /** "cas": options for the driver (staleLockMs: what the lock-based driver of earlier versions used). */
  driverOptions?: Record<string, unknown>;
  /** "cas": stop with SIGSTOP at this hook of the swap numbered `pauseOn` (after printing "paused"). */
  pauseAt?: 'beforeLink' | 'afterLink' | 'beforeCopy';
  pauseOn?: number;
  /** "gc": its grace period, and the pause between rounds; "publish-n": the grace period it outlasts. */
  graceMs?: number;
  pauseMs?: number;
  /** "gc": keep going (up to `count` rounds) until this file exists. */
  untilFile?: string;
  /**
   * "gc": appends the start time (ms) of every finished round. "publish-n": every other publish waits,
   * before its commit, until a round that started more than `graceMs` after its files were written
   * has finished, so gc has certainly seen it past its grace period.
   */
  gcRoundsFile?: string;
}

const job = JSON.parse(process.argv[2]!) as Job;

if (job.mode === 'cas') {
  // Counter increments: read, add one, swap; retry on conflict. Prints successes and the values it wrote.
  let swap = 0;
  const stopHere = (at: string) => () => {
    if (job.pauseAt === at && swap === job.pauseOn) {
      process.stdout.write('paused\n');
      process.kill(process.pid, 'SIGSTOP');
    }
  };
  const driver = new FsDriver(job.store, {
    ...(job.driverOptions ?? {}),
    casHooks: {
      beforeLink: stopHere('beforeLink'),
      afterLink: stopHere('afterLink'),
      beforeCopy: stopHere('beforeCopy'),
    },
  });
  const key = job.model;
  let ok = 0;
  let conflicts = 0;
  let maxSeen = 0;
  let regressions = 0;
  process.stdout.write('ready\n');
  for (let i = 0; i < (job.count ?? 100); i++) {
    for (;;) {
      const cur = await driver.get(key);
      const value = Number(new TextDecoder().decode(cur.body));
      if (value < maxSeen) regressions++;
      maxSeen = Math.max(maxSeen, value);
      swap++;
      try {
        await driver.putIfMatch(key, new TextEncoder().encode(String(value + 1)), cur.etag);
        ok++;
        maxSeen = Math.max(maxSeen, value + 1);
        break;
      } catch (err) {
        if (!(err instanceof PreconditionFailedError)) throw err;
        conflicts++;
      }
    }
  }
  process.stdout.write(`${JSON.stringify({ ok, conflicts, regressions })}\n`);
  process.exit(0);
}

const store = await openStore(job.store);

function slowStream(bytes: number, fill: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return this.push(null);
      const n = Math.min(64 * 1024, bytes - sent);
      sent += n;
      setImmediate(() => this.push(Buffer.alloc(n, fill)));
    },
  });
}

// Waits (up to two minutes) until a gc round that started after this reservation's grace period had
// run out has finished. A fixed sleep left the race to the scheduler: on a loaded CephFS client every
// gc round of a run once took longer than the window, and nothing was reclaimed.
async function outlastGrace(roundsFile: string): Promise<void> {
  const due = Date.now() + (job.graceMs ?? 0) + 50;
  const giveUpAt = Date.now() + 120_000;
  while (Date.now() < giveUpAt) {
    const rounds = await readFile(roundsFile, 'utf8').catch(() => '');
    if (rounds.split('\n').some((line) => Number(line) > due)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function publishOne(i: number) {
  return store.publish({
    model: job.model,
    files: [
      { path: 'weights.json', data: new TextEncoder().encode(JSON.stringify({ writer: job.id, i })) },
      {
        path: 'blob/data.bin',
        stream: () => slowStream(job.blobBytes ?? 2 * 1024 * 1024, (job.id + i) % 251),
      },
      { path: 'metadata.json', data: new TextEncoder().encode('{"mae": 1}') },
    ],
    metadata: { writer: job.id, i },
  });
}

if (job.mode === 'publish') {
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) await publishOne(i);
} else if (job.mode === 'publish-once') {
  const r = await publishOne(0);
  process.stdout.write(`${JSON.stringify({ version: r.version, digest: r.digest })}\n`);
} else if (job.mode === 'publish-n') {
  // Small publishes racing gc: a version gc reclaimed before its commit fails with ConflictError.
  const committed: number[] = [];
  let reclaimed = 0;
  // Reclaimed among the slow ones; a fast publish may be reclaimed too on a slow client (CephFS).
  let slowReclaimed = 0;
  for (let i = 0; i < (job.count ?? 3); i++) {
    const slow = i % 2 === 1 && job.gcRoundsFile !== undefined;
    try {
      const r = await store.publish({
        model: job.model,
        files: [{ path: 'w.json', data: new TextEncoder().encode(JSON.stringify({ writer: job.id, i })) }],
        metadata: { writer: job.id, i },
        // Every other publish outlasts gc's grace period and a gc round: gc reclaims it.
        afterFile: () => (slow ? outlastGrace(job.gcRoundsFile!) : undefined),
      });
      committed.push(r.version);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      reclaimed++;
      if (slow) slowReclaimed++;
    }
  }
  process.stdout.write(`${JSON.stringify({ committed, reclaimed, slowReclaimed })}\n`);
} else if (job.mode === 'gc') {
  // gc racing publishers and movers, with a grace period shorter than the slow publishes.
  let actions = 0;
  for (let i = 0; i < (job.count ?? 5) && !(job.untilFile && existsSync(job.untilFile)); i++) {
    const startedAt = Date.now();
    actions += (await store.gc({ graceMs: job.graceMs ?? 0, keep: 2 })).actions.length;
    if (job.gcRoundsFile) await appendFile(job.gcRoundsFile, `${startedAt}\n`);
    await new Promise((r) => setTimeout(r, job.pauseMs ?? 0));
  }
  process.stdout.write(`${JSON.stringify({ actions })}\n`);
} else {
  const done: number[] = [];
  for (let i = 0; i < (job.count ?? 5); i++) {
    const v = job.versions![(job.id + i) % job.versions!.length]!;
    const e =
      i % 2 === 0
        ? await store.pin(job.model, v, { reason: `w${job.id}-${i}` })
        : await store.setAlias(job.model, 'stable', v, { reason: `w${job.id}-${i}` });
    done.push(e.seq);
  }
  process.stdout.write(`${JSON.stringify({ seqs: done })}\n`);
}
await store.close();
