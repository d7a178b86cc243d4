// `modelshelf verify [ref] [--all]`: re-hash stored bytes against the manifests. Exit code 4 when
// anything is wrong, with every bad file named. The action is in verify-action.ts, loaded only when
// the command runs.
import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';
import { addTrustOptions } from './trust-options.ts';

export function registerVerify(program: Command): void {
  const verify = program
    .command('verify')
    .description('re-hash stored files against their manifests and report every corrupt or missing file')
    .argument('[ref]', 'the version to check: model, model@<version> or model@<alias>')
    .option('--all', 'check every committed version of every model')
    .option('--prefix <prefix>', 'with --all: only models whose name starts with this');
  addTrustOptions(verify).action(lazyAction(async () => (await import('./verify-action.ts')).verifyAction));
}
