// The actions of `modelshelf keygen` and `modelshelf sign` (descriptors: trust-commands.ts), loaded
// only when one of them runs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { generateKeyPair, InvalidArgumentError, readSigningKeyFile, signVersion } from '@modelshelf/registry';
import type { Command } from 'commander';
import { outputFor, withStore } from '../../kit/index.ts';
import { SIGNING_KEY_ENV } from './trust-commands.ts';

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function keygenAction(opts: { out: string; name: string }, cmd: Command): Promise<void> {
  if (!KEY_NAME.test(opts.name))
    throw new InvalidArgumentError(
      `invalid --name ${JSON.stringify(opts.name)}`,
      'use letters, digits, ".", "_" and "-" (at most 64 characters)',
    );
  const out = outputFor(cmd);
  const pair = generateKeyPair();
  const dir = resolvePath(opts.out);
  await mkdir(dir, { recursive: true });
  const privatePath = join(dir, `${opts.name}.key.pem`);
  const publicPath = join(dir, `${opts.name}.pub.pem`);
  // "wx": never overwrite an existing key (losing a private key cannot be undone).
  await writeKey(privatePath, pair.privateKeyPem, 0o600);
  await writeKey(publicPath, pair.publicKeyPem, 0o644);
  if (out.json) return out.printJson({ keyId: pair.keyId, privateKey: privatePath, publicKey: publicPath });
  if (out.quiet) return out.line(pair.keyId);
  out.line(`key ${pair.keyId}`);
  out.line(`private  ${privatePath}  (give to trainers only: \`modelshelf sign --key\`)`);
  out.line(`public   ${publicPath}  (give to estimators: --trusted-keys)`);
}

export async function signAction(ref: string, opts: { key?: string }, cmd: Command): Promise<void> {
  if (!opts.key)
    throw new InvalidArgumentError(
      'sign needs a private key',
      `pass --key <file> or set ${SIGNING_KEY_ENV}; create one with \`modelshelf keygen --out <dir>\``,
    );
  const out = outputFor(cmd);
  const key = await readSigningKeyFile(opts.key);
  const s = await withStore(cmd, (store) => signVersion(store, ref, key));
  if (out.json) return out.printJson(s);
  if (out.quiet) return out.line(`${s.model}@${s.version}`);
  out.line(
    `${s.created ? 'signed' : 'already signed'} ${s.model}@${s.version} (manifest ${s.manifestDigest}) with key ${s.keyId}`,
  );
}

async function writeKey(path: string, pem: string, mode: number): Promise<void> {
  try {
    await writeFile(path, pem, { flag: 'wx', mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new InvalidArgumentError(
        `${path} already exists`,
        'choose another --out directory or --name; existing keys are never overwritten',
      );
    throw err;
  }
}
