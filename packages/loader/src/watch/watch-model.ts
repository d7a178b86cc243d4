// The public entry points: watchModel (long-running, hot-swapping) and loadModel (one shot).

import type { TrustPolicy } from '@modelshelf/registry';
import { BlobCache } from '../cache/blob-cache.ts';
import type { Decoder } from '../decode/decoder.ts';
import { type DefaultDecoded, defaultDecoder } from '../decode/default-decoder.ts';
import { mayFallBack, olderVersions } from '../policy/availability.ts';
import type { Served } from '../swap/served.ts';
import { asOneShot, classifyFailure, LoadError, REFUSAL_REASONS } from './errors.ts';
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
  /**
   * A plain reference whose latest version is refused (integrity, decode, untrusted) loads the newest
   * older version that passes, as a watcher's fresh boot does; each refused one is told here.
   * Default: process.emitWarning. Pins, aliases and fixed versions never fall back.
   */
  onSkipped?: (refused: LoadError) => void;
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
    const load = (version: number) =>
      loadVersion(store, resolution.model, version, decode, cache, options.trust);
    let version = resolution.version;
    let loaded: Awaited<ReturnType<typeof load>>;
    try {
      loaded = await load(version);
    } catch (err) {
      const target = { version, via: resolution.via };
      if (!(err instanceof LoadError)) throw err;
      if (!REFUSAL_REASONS.has(err.reason) || !mayFallBack(target, false)) throw asOneShot(err);
      const skipped =
        options.onSkipped ??
        ((e: LoadError) =>
          process.emitWarning(`${e.message}; trying an older version`, 'ModelshelfSkippedVersion'));
      const refused: LoadError[] = [err];
      const older = await passingOlder(await olderVersions(store, resolution.model, target), load, refused);
      // Only a fallback that serves is worth a warning; otherwise the refusal itself is the answer.
      if (!older) throw asOneShot(err);
      for (const e of refused) skipped(e);
      ({ version, loaded } = older);
    }
    if (loaded.trustWarning) {
      const warn =
        options.onTrustWarning ?? ((m: string) => process.emitWarning(m, 'ModelshelfTrustWarning'));
      warn(loaded.trustWarning);
    }
    return {
      model: resolution.model,
      version,
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

/** The first of `versions` that loads; refused ones are added to `refused`, missing ones (reservations) skipped. */
async function passingOlder<L>(
  versions: readonly number[],
  load: (version: number) => Promise<L>,
  refused: LoadError[],
): Promise<{ version: number; loaded: L } | undefined> {
  for (const version of versions) {
    try {
      return { version, loaded: await load(version) };
    } catch (err) {
      if (!(err instanceof LoadError)) throw err;
      if (REFUSAL_REASONS.has(err.reason)) refused.push(err);
      else if (err.reason !== 'not-found') throw err;
    }
  }
  return undefined;
}
