// The registry's `modelshelf` commands. The top-level binary (packages/cli) composes these with the
// loader's and trainer's commands; the registry itself never depends on those packages.
import type { Command } from 'commander';
import { registerDiff } from './commands/diff.ts';
import { registerGc } from './commands/gc.ts';
import { registerInit } from './commands/init.ts';
import { registerList } from './commands/list.ts';
import { registerPull } from './commands/pull.ts';
import { registerPush } from './commands/push.ts';
import { registerRefs } from './commands/refs.ts';
import { registerShow } from './commands/show.ts';
import { registerVerify } from './commands/verify.ts';
import { registerTrustCommands } from './trust-commands.ts';

export function registerRegistryCommands(program: Command): Command {
  registerInit(program);
  registerPush(program);
  registerList(program);
  registerShow(program);
  registerPull(program);
  registerRefs(program);
  registerVerify(program);
  registerGc(program);
  registerDiff(program);
  registerTrustCommands(program);
  return program;
}

export { diffFiles, diffMetadata, metricVerdict } from './commands/diff-versions.ts';
export * from './kit/index.ts';
export { SIGNING_KEY_ENV } from './trust-commands.ts';
export {
  addTrustOptions,
  requireTrusted,
  type TrustCommandOptions,
  trustPolicyFromOptions,
} from './trust-options.ts';
