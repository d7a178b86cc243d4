// The MinIO ListenBucketNotification hint, against a fake notification stream. (No MinIO server
// runs here, and Ceph RGW does not implement ListenBucketNotification, so the real protocol is not
// exercised; this proves the reconnect and hint logic.)
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { minioHeadListener, type NotificationStream, startPushHint } from '../src/index.ts';
import { until } from './helpers/wait.ts';

class FakeStream extends EventEmitter implements NotificationStream {
  stopped = false;
  stop() {
    this.stopped = true;
  }
}

describe('push hints', () => {
  it('turns notifications into hints and reconnects after errors with growing delays', async () => {
    const streams: FakeStream[] = [];
    const hints: string[] = [];
    const retries: number[] = [];
    const source = startPushHint({
      listen: () => {
        const s = new FakeStream();
        streams.push(s);
        return s;
      },
      onHint: (r) => hints.push(r),
      onStreamError: (_err, _attempt, delay) => retries.push(delay),
      baseMs: 10,
      maxMs: 100,
      random: () => 0.999,
    });
    expect(streams).toHaveLength(1);
    streams[0]!.emit('notification', { s3: { object: { key: 'x' } } });
    expect(hints).toEqual(['bucket notification']);

    streams[0]!.emit('error', new Error('connection reset'));
    expect(streams[0]!.stopped).toBe(true);
    await until(() => streams.length === 2, 1000, 'reconnect 1');
    streams[1]!.emit('error', new Error('503'));
    await until(() => streams.length === 3, 1000, 'reconnect 2');
    expect(retries[1]).toBeGreaterThan(retries[0]!);

    // A late error from an old stream does not start a second reconnect loop.
    streams[0]!.emit('error', new Error('late'));
    streams[2]!.emit('notification', {});
    expect(hints).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(streams).toHaveLength(3);

    // A working stream resets the backoff.
    streams[2]!.emit('error', new Error('again'));
    expect(retries.at(-1)).toBeLessThanOrEqual(10);
    // stop() cancels the pending reconnect: no fourth stream is ever opened.
    await source.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(streams).toHaveLength(3);
  });

  it('retries when opening the stream itself throws, and stop() ends the retries', async () => {
    let attempts = 0;
    const source = startPushHint({
      listen: () => {
        attempts++;
        throw new Error('endpoint unreachable');
      },
      onHint: () => {},
      baseMs: 5,
      maxMs: 5,
    });
    await until(() => attempts >= 3, 1000, 'three attempts');
    await source.stop();
    const at = attempts;
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(at);
  });

  it('asks MinIO for the head key of the model under the store prefix', () => {
    const calls: unknown[][] = [];
    const client = {
      listenBucketNotification: (...args: unknown[]) => {
        calls.push(args);
        return new FakeStream();
      },
    };
    minioHeadListener({ client, bucket: 'models', storePrefix: 'prod/' }, 'models/a/b/@head.json')();
    expect(calls).toEqual([['models', 'prod/models/a/b/@head.json', '', ['s3:ObjectCreated:*']]]);
  });
});
