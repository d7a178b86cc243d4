// A throwaway filesystem store with a toy model, and key pairs written to a temp directory.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store.ts';
import { generateKeyPair } from '../../src/trust/index.ts';

export const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

export async function tempStore(): Promise<{ store: Store; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'modelshelf-trust-'));
  const store = await openStore(join(dir, 'store'), { create: true });
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function publishToy(store: Store, model = MODEL, weight = 1) {
  return store.publish({
    model,
    files: [{ path: 'weights.json', data: new TextEncoder().encode(JSON.stringify({ weight })) }],
  });
}

export interface KeyFiles {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  /** The public key's file. */
  publicPath: string;
}

/** A key pair whose public half is written to `dir/<name>.pub.pem`. */
export async function keyInDir(dir: string, name: string): Promise<KeyFiles> {
  await mkdir(dir, { recursive: true });
  const pair = generateKeyPair();
  const publicPath = join(dir, `${name}.pub.pem`);
  await writeFile(publicPath, pair.publicKeyPem);
  return { ...pair, publicPath };
}
