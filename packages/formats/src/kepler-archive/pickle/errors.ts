// Every way a pickle can be refused ends in one typed error, so callers (and the fuzz suite) can tell
// hostile or damaged input from a bug: anything else thrown by the reader is a defect.

export type PickleErrorCode =
  /** The input ended inside an opcode, an argument, or before STOP. */
  | 'truncated'
  /** A byte that is no pickle opcode (or one this reader never accepts: EXT*, NEXT_BUFFER). */
  | 'unknown-opcode'
  /** GLOBAL / STACK_GLOBAL / INST named a (module, name) outside the allow-list. */
  | 'forbidden-global'
  /** PERSID / BINPERSID: persistent ids need a resolver; none is ever offered. */
  | 'persistent-id'
  /** A size, count, or budget bound was exceeded. */
  | 'limit'
  /** The opcodes are well formed but make no sense (stack underflow, wrong operand types, bad memo index…). */
  | 'malformed'
  /** Valid pickle that this reader deliberately does not model (e.g. unhashable dict keys). */
  | 'unsupported';

export class PickleError extends Error {
  override readonly name = 'PickleError';
  /** For `forbidden-global`: the refused `module.name`. */
  global?: string;
  constructor(
    readonly code: PickleErrorCode,
    message: string,
    /** Byte offset of the opcode being executed, when known. */
    readonly offset?: number,
  ) {
    super(
      offset === undefined ? `pickle ${code}: ${message}` : `pickle ${code} at byte ${offset}: ${message}`,
    );
  }
}
