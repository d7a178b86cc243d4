// Test fixtures: throwaway stores, a tiny JSON "model" format, and a driver wrapper that can be
// switched off (storage outage) and counts requests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactFiles } from '@modelshelf/formats';
import {
  type Manifest,
  openStore,
  openStoreWithDriver,
  type StorageDriver,
  StorageUnavailableError,
  type Store,
} from '@modelshelf/registry';

export async function tempDir(
  prefix = 'loader-test-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function tempStore(): Promise<{ store: Store; root: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir();
  const root = join(dir, 'store');
  const store = await openStore(root, { create: true });
  return { store, root, cleanup };
}

/** The toy format: model.json = {"answer": n}; dispose() is recorded so tests can see releases. */
export interface ToyModel {
  answer: number;
  version: number;
  disposed: boolean;
  dispose(): void;
}

export const toyDecoder = async (files: ArtifactFiles, manifest: Manifest): Promise<ToyModel> => {
  const doc = JSON.parse(new TextDecoder().decode(await files.read('model.json')));
  if (typeof doc.answer !== 'number') throw new Error('model.json has no numeric "answer"');
  const model: ToyModel = {
    answer: doc.answer,
    version: manifest.version,
    disposed: false,
    dispose() {
      model.disposed = true;
    },
  };
  return model;
};

export function toyFile(answer: number | string): { path: string; data: Uint8Array } {
  const body = typeof answer === 'number' ? JSON.stringify({ answer }) : answer;
  return { path: 'model.json', data: new TextEncoder().encode(body) };
}

export function publishToy(store: Store, model: string, answer: number | string) {
  return store.publish({ model, files: [toyFile(answer)], metadata: { answer } });
}

/** A driver that forwards to another, counts calls by method, and fails every call while `down`. */
export class SwitchableDriver implements StorageDriver {
  down = false;
  readonly calls = new Map<string, number>();
  readonly keys: string[] = [];
  constructor(readonly inner: StorageDriver) {}
  get kind() {
    return this.inner.kind;
  }
  get location() {
    return this.inner.location;
  }
  get localRoot() {
    return this.inner.localRoot;
  }
  private gate(method: string, key: string) {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    this.keys.push(`${method} ${key}`);
    if (this.down) throw new StorageUnavailableError(this.location, `test outage on ${method} ${key}`);
  }
  count(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }
  async get(key: string) {
    this.gate('get', key);
    return this.inner.get(key);
  }
  async getIfChanged(key: string, etag: string | undefined) {
    this.gate('getIfChanged', key);
    return this.inner.getIfChanged(key, etag);
  }
  async stat(key: string) {
    this.gate('stat', key);
    return this.inner.stat(key);
  }
  async putCreateOnly(key: string, body: Uint8Array) {
    this.gate('putCreateOnly', key);
    return this.inner.putCreateOnly(key, body);
  }
  async putIfMatch(key: string, body: Uint8Array, etag: string) {
    this.gate('putIfMatch', key);
    return this.inner.putIfMatch(key, body, etag);
  }
  async list(prefix: string, options?: Parameters<StorageDriver['list']>[1]) {
    this.gate('list', prefix);
    return this.inner.list(prefix, options);
  }
  async delete(key: string) {
    this.gate('delete', key);
    return this.inner.delete(key);
  }
  async getStream(key: string) {
    this.gate('getStream', key);
    return this.inner.getStream(key);
  }
  async putStreamCreateOnly(
    key: string,
    body: Parameters<StorageDriver['putStreamCreateOnly']>[1],
    options?: Parameters<StorageDriver['putStreamCreateOnly']>[2],
  ) {
    this.gate('putStreamCreateOnly', key);
    return this.inner.putStreamCreateOnly(key, body, options);
  }
  async close() {
    await this.inner.close?.();
  }
}

export async function switchableStore(store: Store): Promise<{ store: Store; driver: SwitchableDriver }> {
  const driver = new SwitchableDriver(store.driver);
  return { store: await openStoreWithDriver(driver), driver };
}
