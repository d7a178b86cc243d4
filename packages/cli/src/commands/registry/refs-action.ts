// The actions of the ref commands (descriptors: refs.ts): pin, unpin, alias set / rm, rollback and
// history, loaded only when one of them runs.

import type { RefEntry } from '@modelshelf/registry';
import {
  InvalidArgumentError,
  PIN,
  parseModelName,
  parseReference,
  parseVersionNumber,
} from '@modelshelf/registry';
import type { Command } from 'commander';
import { outputFor, relativeTime, withStore } from '../../kit/index.ts';

type ReasonOptions = { reason?: string };

const who = (e: RefEntry) => `${e.by.user}@${e.by.host}`;
const show = (v: number | null) => (v === null ? 'none' : String(v));
const refLabel = (ref: string) => (ref === PIN ? 'pin' : `alias ${ref}`);

function entryJson(e: RefEntry) {
  return {
    model: e.model,
    seq: e.seq,
    ref: e.ref,
    action: e.action,
    from: e.from,
    to: e.to,
    at: e.at,
    by: who(e),
    reason: e.reason ?? null,
    rollbackOf: e.rollbackOf ?? null,
  };
}

function describeMove(e: RefEntry): string {
  const what =
    e.action === 'set'
      ? `${refLabel(e.ref)} of ${e.model} -> ${e.to}`
      : `${refLabel(e.ref)} of ${e.model} removed`;
  return `${what} (was ${show(e.from)})${e.rollbackOf !== undefined ? `, undoing move #${e.rollbackOf}` : ''}`;
}

function printMove(cmd: Command, entry: RefEntry): void {
  const out = outputFor(cmd);
  if (out.json) out.printJson(entryJson(entry));
  else if (!out.quiet) out.line(describeMove(entry));
}

/** `model@7` → ["model", 7]; anything else is a usage error that shows the expected form. */
function parsePinTarget(value: string): [string, number] {
  const ref = parseReference(value);
  if (ref.kind !== 'version') {
    throw new InvalidArgumentError(
      `pin needs an explicit version number, got ${JSON.stringify(value)}`,
      `write e.g. \`modelshelf pin ${ref.model}@7\` (see \`modelshelf versions ${ref.model}\`)`,
    );
  }
  return [ref.model, ref.version];
}

export async function pinAction(target: string, opts: ReasonOptions, cmd: Command): Promise<void> {
  const [model, version] = parsePinTarget(target);
  printMove(cmd, await withStore(cmd, (s) => s.pin(model, version, { reason: opts.reason })));
}

export async function unpinAction(model: string, opts: ReasonOptions, cmd: Command): Promise<void> {
  parseModelName(model);
  const entry = await withStore(cmd, async (s) => {
    const head = await s.head(model);
    // Unpinning an unpinned model changes nothing; it is not worth an entry in the audit trail.
    if (head && head.pin === null) return undefined;
    return s.unpin(model, { reason: opts.reason });
  });
  if (entry) return printMove(cmd, entry);
  const out = outputFor(cmd);
  if (out.json) out.printJson({ model, ref: PIN, action: 'none', from: null, to: null });
  else out.note(`${model} is not pinned; nothing to do`);
}

export async function aliasSetAction(
  model: string,
  name: string,
  version: string,
  opts: ReasonOptions,
  cmd: Command,
): Promise<void> {
  const n = parseVersionNumber(version);
  printMove(cmd, await withStore(cmd, (s) => s.setAlias(model, name, n, { reason: opts.reason })));
}

export async function aliasRmAction(
  model: string,
  name: string,
  opts: ReasonOptions,
  cmd: Command,
): Promise<void> {
  printMove(cmd, await withStore(cmd, (s) => s.removeAlias(model, name, { reason: opts.reason })));
}

export async function rollbackAction(
  model: string,
  opts: { alias?: string; reason?: string },
  cmd: Command,
): Promise<void> {
  printMove(cmd, await withStore(cmd, (s) => s.rollback(model, { alias: opts.alias, reason: opts.reason })));
}

export async function historyAction(model: string, _opts: object, cmd: Command): Promise<void> {
  const out = outputFor(cmd);
  const entries = await withStore(cmd, (s) => s.history(model));
  if (out.json) return out.printJson(entries.map(entryJson));
  if (entries.length === 0) return out.note(`${model} has no pin or alias moves yet`);
  const now = Date.now();
  out.table(
    [
      { header: '#', align: 'right' },
      { header: 'WHEN' },
      { header: 'WHO' },
      { header: 'REF' },
      { header: 'FROM', align: 'right' },
      { header: 'TO', align: 'right' },
      { header: 'WHY' },
    ],
    entries.map((e) => [
      String(e.seq),
      relativeTime(e.at, now),
      who(e),
      e.ref,
      show(e.from),
      show(e.to),
      e.reason ?? '',
    ]),
  );
}
