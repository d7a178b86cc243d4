// `modelshelf keygen --out DIR` and `modelshelf sign <ref> --key FILE`. Key material is written
// to files only: it is never printed, not even with --json (which gives paths and the key id).
// The actions are in trust-commands-action.ts, loaded only when one of the commands runs.
import { type Command, Option } from 'commander';
import { lazyAction } from '../../kit/run.ts';

export const SIGNING_KEY_ENV = 'MODELSHELF_SIGNING_KEY';

export function registerTrustCommands(program: Command): void {
  program
    .command('keygen')
    .description('create an Ed25519 signing key pair: <name>.key.pem (private, mode 600) and <name>.pub.pem')
    .requiredOption('--out <dir>', 'directory to write the two PEM files to (created if missing)')
    .option('--name <name>', 'file name stem', 'modelshelf-signing')
    .action(lazyAction(async () => (await import('./trust-commands-action.ts')).keygenAction));

  program
    .command('sign')
    .description("sign a version's manifest (which covers every file digest, the model name and the version)")
    .argument('<ref>', 'model, model@<version> or model@<alias>: the version it designates now is signed')
    .addOption(
      new Option('--key <file>', 'PEM Ed25519 private key (from `modelshelf keygen`)').env(SIGNING_KEY_ENV),
    )
    .action(lazyAction(async () => (await import('./trust-commands-action.ts')).signAction));
}
