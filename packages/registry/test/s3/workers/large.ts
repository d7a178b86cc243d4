// Pushes and pulls one large generated artifact through the Store in its own process, sampling
// RSS, so the suite can check that memory stays bounded whatever the file size.
//   large.ts <store-uri> <model> <MiB> <pull-dir>
// Prints "result {json}": version, expected and pulled SHA-256 (computed here, independently of
// the registry's own hashing), and RSS before and at peak.
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { openStore } from '../../../src/store.ts';

const [uri, model, mib, dir] = process.argv.slice(2);
if (!uri || !model || !mib || !dir) throw new Error('usage: large.ts <store-uri> <model> <MiB> <pull-dir>');
const total = Number(mib) * 1024 * 1024;

// Run with --expose-gc: V8 frees dead Buffers lazily (tens of MB of garbage may wait for the next
// collection), so the sampler collects first and the peak measures what is really retained.
let peak = 0;
const sample = () => {
  globalThis.gc?.();
  peak = Math.max(peak, process.memoryUsage.rss());
};
const store = await openStore(uri, { create: true });

// Incompressible, deterministic bytes: an AES-CTR keystream.
let expected = createHash('sha256');
const generate = function* (total: number) {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let off = 0; off < total; off += zeros.length) {
    const chunk = cipher.update(zeros.subarray(0, Math.min(zeros.length, total - off)));
    expected.update(chunk);
    yield chunk;
  }
};
// Warm-up with a small multipart version: loads every code path and sizes the allocator arenas,
// so the baseline below excludes one-time costs that do not grow with the file.
const warm = await store.publish({
  model: `${model}-warmup`,
  files: [{ path: 'model.bin', stream: () => Readable.from(generate(24 * 1024 * 1024)) }],
});
await store.pull(warm.manifest, `${dir}/warmup`);
expected = createHash('sha256');

globalThis.gc?.();
const baseline = process.memoryUsage.rss();
const timer = setInterval(sample, 250);
const t0 = performance.now();
const pub = await store.publish({
  model,
  files: [{ path: 'model.bin', stream: () => Readable.from(generate(total)) }],
});
const pushMs = performance.now() - t0;
const { manifest } = await store.resolve(`${model}@${pub.version}`);
const t1 = performance.now();
await store.pull(manifest, dir);
const pullMs = performance.now() - t1;
clearInterval(timer);
sample();

const pulled = createHash('sha256');
for await (const c of createReadStream(`${dir}/model.bin`)) pulled.update(c as Buffer);
console.log(
  `result ${JSON.stringify({
    version: pub.version,
    expectedSha256: expected.digest('hex'),
    manifestSha256: manifest.files[0]?.sha256,
    pulledSha256: pulled.digest('hex'),
    baselineRss: baseline,
    peakRss: peak,
    pushMs,
    pullMs,
  })}`,
);
await store.close();
