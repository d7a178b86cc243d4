// The public entry points: watchModel (long-running, hot-swapping) and loadModel (one shot).

import type { TrustPolicy } from '@modelshelf/registry';
import { BlobCache } from '../cache/blob-cache.ts';
import type { Decoder } from '../decode/decoder.ts';
import { type DefaultDecoded, defaultDecoder } from '../decode/default-decoder.ts';
import type { Served } from '../swap/served.ts';
import { asOneShot, classifyFailure, LoadError } from './errors.ts';
import { loadVersion } from './load-version.ts';
import { ModelWatcher } from './model-watcher.ts';
import { resolveStore, type StoreInput } from './open-store.ts';
import type { WatchOptions } from './options.ts';

export type { ModelWatcher };

/** Starts watching `ref`; the returned watcher serves `current()` once `ready()` resolves. */
export function watchModel<T = DefaultDecoded>(options: WatchOptions<T>): ModelWatcher<T> {
  const decode = (options.decode ?? defaultDecoder) as Decoder<T>;
  return new ModelWatcher<T>({ ...options, decode }).start();
}

export interface LoadOptions<T> {
  store: StoreInput;
  ref: string;
  decode?: Decoder<T>;
  cacheDir?: string;
  /** Signature policy; under `enforce` an untrusted version throws LoadError (reason "untrusted"). */
  trust?: TrustPolicy;
  /** Where a `warn` policy's warning goes. Default: process.emitWarning (printed on stderr). */
  onTrustWarning?: (message: string) => void;
}

/** Resolves, fetches, verifies and decodes `ref` once. Throws LoadError naming the model, version and reason. */
export async function loadModel<T = DefaultDecoded>(options: LoadOptions<T>): Promise<Served<T>> {
  const decode = (options.decode ?? defaultDecoder) as Decoder<T>;
  const { store, owned } = await resolveStore(options.store);
  try {
    let resolution: Awaited<ReturnType<typeof store.resolve>>;
    try {
      resolution = await store.resolve(options.ref);
    } catch (err) {
      const model = options.ref.split('@')[0] ?? options.ref;
      throw asOneShot(new LoadError(model, undefined, classifyFailure(err, 'check'), err));
    }
    const cache = options.cacheDir ? new BlobCache(options.cacheDir) : undefined;
    const loaded = await loadVersion(
      store,
      resolution.model,
      resolution.version,
      decode,
      cache,
      options.trust,
    ).catch((err: unknown) => {
      throw err instanceof LoadError ? asOneShot(err) : err;
    });
    if (loaded.trustWarning) {
      const warn =
        options.onTrustWarning ?? ((m: string) => process.emitWarning(m, 'ModelshelfTrustWarning'));
      warn(loaded.trustWarning);
    }
    return {
      model: resolution.model,
      version: resolution.version,
      digest: loaded.digest,
      manifest: loaded.manifest,
      metadata: loaded.manifest.metadata,
      value: loaded.value,
      via: resolution.via,
      fromCache: false,
      loadedAt: new Date(),
    };
  } finally {
    if (owned) await store.close();
  }
}
