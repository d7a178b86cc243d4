// Errors of the trust layer. None of them ever carries key material: a message names the file
// and what is wrong with it, never its content.
import { ModelshelfError } from '../errors.ts';

export class KeyFileError extends ModelshelfError {
  override name = 'KeyFileError';
  constructor(
    readonly path: string,
    reason: string,
    hint = 'create a key pair with `modelshelf keygen --out <dir>`',
  ) {
    super(`key file ${JSON.stringify(path)}: ${reason}`, 'usage', 'KEY_FILE', hint);
  }
}

/** A version the trust policy refuses to serve. `status` and `reasons` say why. */
export class UntrustedVersionError extends ModelshelfError {
  override name = 'UntrustedVersionError';
  constructor(
    readonly model: string,
    readonly version: number,
    readonly status: 'unsigned' | 'untrusted' | 'invalid',
    readonly reasons: readonly string[],
  ) {
    super(
      `${model}@${version} is ${status}: ${reasons.join('; ')}`,
      'integrity',
      'UNTRUSTED',
      status === 'unsigned' || status === 'untrusted'
        ? `sign it with \`modelshelf sign ${model}@${version} --key <private.pem>\` using a key whose public half is trusted`
        : 'the version or its signature was altered after signing: republish and sign it again',
    );
  }
}
