// `modelshelf pull <ref> <dir>`: download a version into a directory, verifying every byte.
// The store's pull refuses to write outside <dir> (escaping paths, planted symlinks); the command
// additionally checks every path of the manifest first, so a bad manifest writes nothing at all.
// The action is in pull-action.ts, loaded only when the command runs.
import type { Command } from 'commander';
import { lazyAction } from '../../kit/run.ts';
import { addTrustOptions } from './trust-options.ts';

export function registerPull(program: Command): void {
  const pull = program
    .command('pull')
    .description('download a version into a directory and verify every file against its digest')
    .argument('<ref>', 'model, model@<version> or model@<alias>')
    .argument('<dir>', 'target directory (created if missing); nothing is written outside it');
  addTrustOptions(pull).action(lazyAction(async () => (await import('./pull-action.ts')).pullAction));
}
