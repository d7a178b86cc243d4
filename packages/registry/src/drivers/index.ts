// Driver selection by URI scheme. Drivers load lazily so a filesystem user never pays for the AWS SDK.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors.ts';
import type { StorageDriver } from './driver.ts';
import { FsDriver } from './fs.ts';

export type DriverFactory = (uri: string) => Promise<StorageDriver>;

const factories: Record<string, DriverFactory> = {
  'file:': async (uri) => new FsDriver(fileURLToPath(uri)),
  's3:': async (uri) => (await import('./s3.ts')).s3DriverFromUri(uri),
};

/** Lets a driver package add a scheme, e.g. registerDriver('s3:', …). */
export function registerDriver(scheme: string, factory: DriverFactory): void {
  factories[scheme] = factory;
}

/** `file:///abs/path`, a plain path, or any registered scheme such as `s3://bucket/prefix`. */
export async function driverFor(uri: string): Promise<StorageDriver> {
  if (typeof uri !== 'string' || uri.trim() === '') {
    throw new InvalidArgumentError(
      'no store given',
      'pass --store URI or set MODELSHELF_STORE (a directory or s3://bucket/prefix)',
    );
  }
  const m = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(uri);
  if (!m) return new FsDriver(resolve(uri));
  const factory = factories[m[1]!.toLowerCase()];
  if (!factory) {
    throw new InvalidArgumentError(
      `unsupported store URI scheme in ${JSON.stringify(uri.replace(/\/\/[^@/]*@/, '//***@'))}`,
      'use a directory path, file:///path or s3://bucket/prefix',
    );
  }
  return factory(uri);
}
