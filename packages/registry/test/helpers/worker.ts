// A child process for crash and concurrency tests: `node --import tsx worker.ts <json>`.
// Modes: "publish" (publish versions in a loop, streaming a large file slowly so kills land mid-file),
// "publish-once" (one version, prints its number), "moves" (pin/alias moves).
import { Readable } from 'node:stream';
import { openStore } from '../../src/store.ts';

interface Job {
  mode: 'publish' | 'publish-once' | 'moves';
  store: string;
  model: string;
  id: number;
  count?: number;
  versions?: number[];
}

const job = JSON.parse(process.argv[2]!) as Job;
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

async function publishOne(i: number) {
  return store.publish({
    model: job.model,
    files: [
      { path: 'weights.json', data: new TextEncoder().encode(JSON.stringify({ writer: job.id, i })) },
      { path: 'blob/data.bin', stream: () => slowStream(2 * 1024 * 1024, (job.id + i) % 251) },
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
