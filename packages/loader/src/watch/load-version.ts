// The Loader role: for one chosen version, fetch + verify its files, then decode them. Failures
// are classified (integrity, decode, unreachable, …) and tagged with the model and version.
import type { Manifest, Store } from '@modelshelf/registry';
import type { BlobCache } from '../cache/blob-cache.ts';
import type { Decoder } from '../decode/decoder.ts';
import { fetchVersion } from '../fetch/fetch-version.ts';
import { classifyFailure, LoadError } from './errors.ts';

export interface LoadedVersion<T> {
  manifest: Manifest;
  manifestBytes: Uint8Array;
  digest: string;
  value: T;
  downloadedBytes: number;
}

export async function loadVersion<T>(
  store: Store,
  model: string,
  version: number,
  decode: Decoder<T>,
  cache?: BlobCache,
): Promise<LoadedVersion<T>> {
  let rec: Awaited<ReturnType<Store['readVersion']>>;
  let fetched: Awaited<ReturnType<typeof fetchVersion>>;
  try {
    rec = await store.readVersion(model, version);
    fetched = await fetchVersion(store, rec.manifest, cache);
  } catch (err) {
    throw new LoadError(model, version, classifyFailure(err, 'fetch'), err);
  }
  let value: T;
  try {
    value = await decode(fetched.files, rec.manifest);
  } catch (err) {
    throw new LoadError(model, version, 'decode', err);
  }
  return {
    manifest: rec.manifest,
    manifestBytes: rec.bytes,
    digest: rec.digest,
    value,
    downloadedBytes: fetched.downloadedBytes,
  };
}
