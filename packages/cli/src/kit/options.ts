// The global options every modelshelf command understands, declared once on the program and read
// from any subcommand (commander merges them with `optsWithGlobals`). Loaded by `--help`: nothing here
// imports the registry (opening the store is in store.ts, which only actions load).

import { type Command, Option } from 'commander';
import { parseFraction } from './parse.ts';

export const STORE_ENV = 'MODELSHELF_STORE';

export interface GlobalOptions {
  /** Store URI: a directory, file:///path or s3://bucket/prefix. */
  store?: string;
  json: boolean;
  quiet: boolean;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option('-s, --store <uri>', 'the store: a directory, file:///path or s3://bucket/prefix').env(
        STORE_ENV,
      ),
    )
    .option('--json', 'print machine-readable JSON on stdout (errors as JSON on stderr)')
    .option('-q, --quiet', 'print only the essential result: no notes, no progress bars');
}

/** Commander passes the command last to every action; this reads the global options from it. */
export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Partial<GlobalOptions>;
  return {
    store: o.store ?? process.env[STORE_ENV],
    json: o.json === true,
    quiet: o.quiet === true,
  };
}

/** `--poll-jitter`, shared by `watch` and `estimator` (the loader's WatchOptions.pollJitter). */
export const pollJitterOption = () =>
  new Option(
    '--poll-jitter <fraction>',
    'draw each poll delay uniformly from interval × [1 - f, 1 + f], so a fleet does not poll in lockstep (0: none)',
  )
    .default(0.2)
    .argParser(parseFraction);
