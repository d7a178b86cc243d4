// `modelshelf show <ref>` (manifest and metadata) and `modelshelf resolve <ref>` (which version).
// The actions are in show-action.ts, loaded only when one of the commands runs.
import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';
import { addTrustOptions } from './trust-options.ts';

const REF_HELP = 'model, model@<version> or model@<alias>';

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('show the manifest and metadata of the version a reference resolves to')
    .argument('<ref>', REF_HELP)
    .action(lazyAction(async () => (await import('./show-action.ts')).showAction));

  const resolveCommand = program
    .command('resolve')
    .description('print which version a reference designates and why (pin, alias, latest or version)')
    .argument('<ref>', REF_HELP);
  addTrustOptions(resolveCommand).action(
    lazyAction(async () => (await import('./show-action.ts')).resolveAction),
  );
}
