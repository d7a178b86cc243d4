// Ref moves: pin / unpin, alias set / rm, rollback, and the audit trail (`history`).
// Each move is one create-only entry in the model's ref log; these commands print that entry. The
// actions are in refs-action.ts, loaded only when one of the commands runs.

import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';

const reasonOption = ['--reason <text>', 'why, recorded in the history'] as const;

export function registerRefs(program: Command): void {
  program
    .command('pin')
    .description('pin a model to a version: plain references resolve to it until unpinned')
    .argument('<model@version>', 'the model and version to pin, e.g. rapl/AbsPower/BPFOnly/SGD_0@7')
    .option(...reasonOption)
    .action(lazyAction(async () => (await import('./refs-action.ts')).pinAction));

  program
    .command('unpin')
    .description('remove the pin: plain references follow the latest version again')
    .argument('<model>', 'model name')
    .option(...reasonOption)
    .action(lazyAction(async () => (await import('./refs-action.ts')).unpinAction));

  const alias = program.command('alias').description('set or remove named aliases such as "stable"');
  alias
    .command('set')
    .description('point an alias at a version (model@alias then resolves to it)')
    .argument('<model>', 'model name')
    .argument('<alias>', 'alias name: starts with a letter, then letters, digits, _ or -')
    .argument('<version>', 'version number')
    .option(...reasonOption)
    .action(lazyAction(async () => (await import('./refs-action.ts')).aliasSetAction));
  alias
    .command('rm')
    .description('remove an alias')
    .argument('<model>', 'model name')
    .argument('<alias>', 'alias name')
    .option(...reasonOption)
    .action(lazyAction(async () => (await import('./refs-action.ts')).aliasRmAction));

  program
    .command('rollback')
    .description('move the pin (or an alias) back to where it pointed before its last move')
    .argument('<model>', 'model name')
    .option('--alias <name>', 'roll back this alias instead of the pin')
    .option(...reasonOption)
    .action(lazyAction(async () => (await import('./refs-action.ts')).rollbackAction));

  program
    .command('history')
    .description('every pin and alias move of a model: when, who, what, from, to and why')
    .argument('<model>', 'model name')
    .action(lazyAction(async () => (await import('./refs-action.ts')).historyAction));
}
