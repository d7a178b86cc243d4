// Push hints from object storage: MinIO's ListenBucketNotification streams "object created"
// records, and one for the head document triggers an immediate check. The stream breaks whenever
// the server or network does (MinIO's poller emits "error" and stops), so this module reconnects
// with backoff; polling keeps running underneath as the safety net, so a lost hint only costs
// latency. Ceph RGW does not implement ListenBucketNotification (it has its own topic-based
// notifications): there the watcher polls.
import type { EventEmitter } from 'node:events';
import { backoffDelay } from '../watch/backoff.ts';
import type { HintSource } from './fs-events.ts';

/** What `minio.Client#listenBucketNotification` returns: emits "notification" and "error". */
export interface NotificationStream extends Pick<EventEmitter, 'on' | 'removeAllListeners'> {
  stop(): void;
}

export interface PushHintOptions {
  /** Opens a new notification stream (called again after each failure). */
  listen: () => NotificationStream;
  onHint: (reason: string) => void;
  /** Told about each failure and when the next attempt is; the watcher logs it. */
  onStreamError?: (err: unknown, attempt: number, retryInMs: number) => void;
  /** First reconnect delay (default 1 s) and cap (default 60 s). */
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
}

export function startPushHint(options: PushHintOptions): HintSource {
  let stream: NotificationStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  let stopped = false;

  const connect = () => {
    timer = undefined;
    if (stopped) return;
    let current: NotificationStream;
    try {
      current = options.listen();
    } catch (err) {
      return fail(err);
    }
    stream = current;
    current.on('notification', () => {
      failures = 0; // a working stream resets the backoff
      options.onHint('bucket notification');
    });
    current.on('error', (err: unknown) => {
      if (stream !== current) return; // a late error from a stream already replaced
      retire(current);
      stream = undefined;
      fail(err);
    });
  };

  // An old stream may still emit: keep a no-op "error" listener, since an EventEmitter without
  // one throws and would take the estimator down.
  const retire = (s: NotificationStream) => {
    s.removeAllListeners();
    s.on('error', () => {});
    s.stop();
  };

  const fail = (err: unknown) => {
    if (stopped) return;
    failures++;
    const delay = backoffDelay(failures, {
      baseMs: options.baseMs ?? 1000,
      maxMs: options.maxMs ?? 60_000,
      random: options.random,
    });
    options.onStreamError?.(err, failures, delay);
    timer = setTimeout(connect, delay);
    timer.unref();
  };

  connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (stream) retire(stream);
      stream = undefined;
    },
  };
}

/** Minimal shape of a `minio.Client` used here (keeps the import optional for callers). */
export interface MinioLikeClient {
  listenBucketNotification(
    bucket: string,
    prefix: string,
    suffix: string,
    events: string[],
  ): NotificationStream;
}

export interface MinioHintOptions {
  client: MinioLikeClient;
  bucket: string;
  /** The store's key prefix inside the bucket ("" or ending in "/"), e.g. "models-prod/". */
  storePrefix?: string;
}

/** A `listen` function for one model's head document on MinIO. */
export function minioHeadListener(options: MinioHintOptions, headKey: string): () => NotificationStream {
  const key = `${options.storePrefix ?? ''}${headKey}`;
  return () => options.client.listenBucketNotification(options.bucket, key, '', ['s3:ObjectCreated:*']);
}
