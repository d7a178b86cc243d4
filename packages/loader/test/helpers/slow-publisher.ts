// A publisher process that uploads a large file slowly, so a test can SIGKILL it mid-upload.
// Usage: node --import tsx slow-publisher.ts <store dir> <model>
import { Readable } from 'node:stream';
import { openStore } from '@modelshelf/registry';

const [root, model] = process.argv.slice(2) as [string, string];
const store = await openStore(root);
const chunk = new Uint8Array(256 * 1024).fill(7);
let sent = 0;
await store.publish({
  model,
  files: [
    {
      path: 'model.json',
      // 256 KiB every 20 ms, without end: only a kill stops it.
      stream: () =>
        new Readable({
          read() {
            setTimeout(() => this.push(chunk), 20);
          },
        }),
    },
  ],
  onProgress: (p) => {
    sent = p.bytes;
    if (sent >= 4 * chunk.length) process.stdout.write('uploading\n');
  },
});
