// A publisher in its own OS process, driven by test/storage-faults.test.ts (gateway killed mid-publish).
//   publish.ts <store-uri> <model> big <MiB> [ms per MiB] publish one streamed file, printing
//                                            "progress <bytes>" lines (the outage suite kills the
//                                            gateway mid-upload); a failure exits with the CLI's
//                                            exit code for it (6: storage) and its message on stderr
// Each prints its result as one JSON line prefixed "result ".
import { Readable } from 'node:stream';
import { exitCodeFor } from '../../../src/errors.ts';
import { openStore } from '../../../src/store.ts';

const [uri, model, mode, arg] = process.argv.slice(2);
if (!uri || !model || !mode) throw new Error('usage: publish.ts <store-uri> <model> big [MiB] [ms per MiB]');
const store = await openStore(uri);
const MiB = 1024 * 1024;

if (mode === 'big') {
  const total = Number(arg ?? 64) * MiB;
  const msPerMiB = Number(process.argv[6] ?? 10);
  // Generated slowly enough (~100 MiB/s at most) that the parent can kill us between parts.
  const chunks = async function* () {
    for (let off = 0; off < total; off += MiB) {
      yield Buffer.alloc(Math.min(MiB, total - off), off / MiB);
      await new Promise((r) => setTimeout(r, msPerMiB));
    }
  };
  try {
    const r = await store.publish({
      model,
      files: [{ path: 'big.bin', stream: () => Readable.from(chunks()) }],
      onProgress: (p) => console.log(`progress ${p.bytes}`),
    });
    console.log(`result ${JSON.stringify({ version: r.version })}`);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    process.exit(exitCodeFor(err));
  }
} else {
  throw new Error(`unknown mode ${JSON.stringify(mode)}`);
}
await store.close();
