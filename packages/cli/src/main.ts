// The `modelshelf` binary. Startup is kept short: every command is registered, but only as a
// descriptor; a command's action (and the registry, loader or trainer it uses) loads when it runs.
import { EXIT_CODES } from '@modelshelf/registry/errors';
import { CommanderError } from 'commander';
import { reportError } from './kit/run.ts';
import { buildProgram } from './program.ts';

// The AWS SDK warns on every S3 command that its releases after early 2027 need Node 22; the CLI's
// output is for its user, so that notice is silenced unless the user asked for it explicitly.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; every other parse error is a usage error.
      process.exitCode = err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
      return;
    }
    process.exitCode = reportError(err, argv.includes('--json'));
  }
}

// `modelshelf versions m | head -1` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

await main(process.argv.slice(2));
