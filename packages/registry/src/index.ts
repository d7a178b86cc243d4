// @modelshelf/registry: the storage layout, its drivers and the protocol operations.

export type * from './drivers/driver.ts';
export { listAll, listPrefixes } from './drivers/driver.ts';
export { FsDriver, type FsDriverOptions } from './drivers/fs.ts';
export { type DriverFactory, driverFor, registerDriver } from './drivers/index.ts';
export type { ExternalObject } from './drivers/s3/external.ts';
export type { S3Driver, S3DriverOptions } from './drivers/s3.ts';
export * from './errors.ts';
export * from './layout.ts';
export * from './names.ts';
export * from './schema.ts';
export { defaultCreator, mapLimit, TOOL } from './store/context.ts';
export type { GcAction, GcOptions, GcReport } from './store/gc.ts';
export type { PublishFile, PublishOptions, PublishProgress, PublishResult } from './store/publish.ts';
export { manifestDigest } from './store/publish.ts';
export { type PullOptions, safeTarget } from './store/pull.ts';
export type { ModelSummary, Resolution, ResolvedVia, VersionRecord } from './store/read.ts';
export { selectVersion } from './store/read.ts';
export { type MoveOptions, PIN } from './store/refs.ts';
export type { VerifyProblem, VerifyReport } from './store/verify.ts';
export { type OpenOptions, openStore, openStoreWithDriver, Store } from './store.ts';
export * from './trust/index.ts';
/** Streams an external s3:// object (PublishFile.external), verifying size and SHA-256; loads the AWS SDK lazily. */
export async function openExternalVerified(ref: import('./drivers/s3/external.ts').ExternalObject) {
  return (await import('./drivers/s3/external.ts')).openExternalVerified(ref);
}
