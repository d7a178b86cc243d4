// The Loader role: for one chosen version, fetch + verify its files, then decode them. Failures
// are classified (integrity, decode, unreachable, …) and tagged with the model and version.
import { checkTrust, type Manifest, type Store, type TrustPolicy } from '@modelshelf/registry';
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
  /** Set when the trust policy is `warn` and the version would be refused under `enforce`. */
  trustWarning?: string;
}

export async function loadVersion<T>(
  store: Store,
  model: string,
  version: number,
  decode: Decoder<T>,
  cache?: BlobCache,
  trust?: TrustPolicy,
): Promise<LoadedVersion<T>> {
  let rec: Awaited<ReturnType<Store['readVersion']>>;
  let fetched: Awaited<ReturnType<typeof fetchVersion>>;
  let trustWarning: string | undefined;
  try {
    rec = await store.readVersion(model, version);
    // Signatures are checked against the exact manifest bytes just read, before any file is fetched.
    trustWarning = (await checkTrust(store, model, version, trust, rec)).warning;
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
    trustWarning,
  };
}
