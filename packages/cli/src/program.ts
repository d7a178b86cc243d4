// Builds the `modelshelf` program: global options, help and every command (storage, serving,
// training). Shared by the binary and by the docs generator. Registering a command is cheap: each
// command module is a descriptor (name, options, help text) whose action is a module of its own,
// imported when the command runs, so `--help` loads commander and the descriptors only (no registry,
// no zod), and `ls` loads only its own action and the registry.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerLoaderCommands } from './commands/loader/index.ts';
import { registerRegistryCommands } from './commands/registry/index.ts';
import { registerReportCommand } from './commands/trainer/report.ts';
import { registerTrainCommand } from './commands/trainer/train.ts';
// The kit's modules one by one: its barrel also exports store.ts, which loads the registry.
import { formatErrorReport } from './kit/errors.ts';
import { registerFormatDetector } from './kit/format-detectors.ts';
import { exitCodeHelp } from './kit/help.ts';
import { addGlobalOptions, STORE_ENV } from './kit/options.ts';

export const PROGRAM_NAME = 'modelshelf';

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export const EXAMPLES = `Examples:
  $ export ${STORE_ENV}=/mnt/cephfs/models        # or s3://bucket/prefix
  $ modelshelf init
  $ modelshelf push rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0 ./out --meta mae=12.3
  $ modelshelf ls
  $ modelshelf versions rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0
  $ modelshelf pin rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0@3 --reason "v4 regressed on dram"
  $ modelshelf diff rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0@3 rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0@4
  $ modelshelf pull rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0 ./model --json`;

export const REFERENCES = `References:
  model            the pinned version if the model is pinned, else the latest
  model@7          version 7
  model@stable     the version the alias "stable" points to`;

export const ENVIRONMENT = `Environment:
  ${STORE_ENV}  the store, when --store is not given
  NO_COLOR          disable colour (colour is only ever used on a terminal)
  MODELSHELF_USER   who you are in manifests and the ref history (default: the OS user)
  MODELSHELF_DEBUG  print stack traces of unexpected errors`;

/** The whole `modelshelf` program. */
export function buildProgram(): Command {
  const program = new Command(PROGRAM_NAME)
    .description('versioned power models on shared storage: publish, list, pin, roll back, verify, pull')
    .version(cliVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    // Parse errors are thrown (not process.exit) so main.ts can map them to exit code 2; subcommands
    // inherit this and the output configuration because both are set before any command is added.
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(formatUsageError(program, text)) });
  addGlobalOptions(program);
  program.addHelpText('after', `\n${REFERENCES}\n\n${EXAMPLES}\n\n${ENVIRONMENT}\n\n${exitCodeHelp()}`);
  registerRegistryCommands(program);
  registerLoaderCommands(program);
  registerTrainCommand(program);
  registerReportCommand(program);
  registerLazyFormatDetectors();
  return program;
}

/**
 * Detectors `push` consults when no --format is given, as thin stubs: the Kepler detector (and the
 * codecs it reads with) loads only when a push without --format has a .json file to look at.
 */
function registerLazyFormatDetectors(): void {
  registerFormatDetector('kepler-weights', async (files) => {
    if (!files.some((f) => f.path.toLowerCase().endsWith('.json'))) return undefined;
    const { detectKeplerWeightsFiles } = await import('./commands/loader/kepler-detector.ts');
    return await detectKeplerWeightsFiles(files);
  });
}

/** Commander's own parse errors ("unknown option", "missing required argument") in our error format. */
function formatUsageError(program: Command, text: string): string {
  const json = program.opts().json === true || process.argv.includes('--json');
  const message = text
    .replace(/^error: /, '')
    .trim()
    .replace(/\s*\n\s*/g, ' ');
  return formatErrorReport(
    {
      code: 'USAGE',
      category: 'usage',
      message,
      hint: `run \`${PROGRAM_NAME} --help\` or \`${PROGRAM_NAME} <command> --help\``,
    },
    { json, color: false },
  );
}
