// Ref moves: pin / unpin, alias set / rm, rollback, and the audit trail (`history`).
// Each move is one create-only entry in the model's ref log; these commands print that entry.

import type { RefEntry } from '@modelshelf/registry';
import {
  InvalidArgumentError,
  PIN,
  parseModelName,
  parseReference,
  parseVersionNumber,
} from '@modelshelf/registry';
import type { Command } from 'commander';
import { outputFor, relativeTime, runAction, withStore } from '../../kit/index.ts';

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

const reasonOption = ['--reason <text>', 'why, recorded in the history'] as const;

export function registerRefs(program: Command): void {
  program
    .command('pin')
    .description('pin a model to a version: plain references resolve to it until unpinned')
    .argument('<model@version>', 'the model and version to pin, e.g. rapl/AbsPower/BPFOnly/SGD_0@7')
    .option(...reasonOption)
    .action(
      runAction(async (target: string, opts: { reason?: string }, cmd: Command) => {
        const [model, version] = parsePinTarget(target);
        printMove(cmd, await withStore(cmd, (s) => s.pin(model, version, { reason: opts.reason })));
      }),
    );

  program
    .command('unpin')
    .description('remove the pin: plain references follow the latest version again')
    .argument('<model>', 'model name')
    .option(...reasonOption)
    .action(
      runAction(async (model: string, opts: { reason?: string }, cmd: Command) => {
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
      }),
    );

  const alias = program.command('alias').description('set or remove named aliases such as "stable"');
  alias
    .command('set')
    .description('point an alias at a version (model@alias then resolves to it)')
    .argument('<model>', 'model name')
    .argument('<alias>', 'alias name: starts with a letter, then letters, digits, _ or -')
    .argument('<version>', 'version number')
    .option(...reasonOption)
    .action(
      runAction(
        async (model: string, name: string, version: string, opts: { reason?: string }, cmd: Command) => {
          const n = parseVersionNumber(version);
          printMove(cmd, await withStore(cmd, (s) => s.setAlias(model, name, n, { reason: opts.reason })));
        },
      ),
    );
  alias
    .command('rm')
    .description('remove an alias')
    .argument('<model>', 'model name')
    .argument('<alias>', 'alias name')
    .option(...reasonOption)
    .action(
      runAction(async (model: string, name: string, opts: { reason?: string }, cmd: Command) => {
        printMove(cmd, await withStore(cmd, (s) => s.removeAlias(model, name, { reason: opts.reason })));
      }),
    );

  program
    .command('rollback')
    .description('move the pin (or an alias) back to where it pointed before its last move')
    .argument('<model>', 'model name')
    .option('--alias <name>', 'roll back this alias instead of the pin')
    .option(...reasonOption)
    .action(
      runAction(async (model: string, opts: { alias?: string; reason?: string }, cmd: Command) => {
        printMove(
          cmd,
          await withStore(cmd, (s) => s.rollback(model, { alias: opts.alias, reason: opts.reason })),
        );
      }),
    );

  program
    .command('history')
    .description('every pin and alias move of a model: when, who, what, from, to and why')
    .argument('<model>', 'model name')
    .action(
      runAction(async (model: string, _opts: object, cmd: Command) => {
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
      }),
    );
}
