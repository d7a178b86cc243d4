// The storage commands (init, push, ls, show, pull, refs, verify, gc, diff, keys/sign): each parses its
// options and calls @modelshelf/registry's library API. This module and the descriptors it registers
// are loaded by `--help`: each command's action is a module of its own (<command>-action.ts), imported
// when the command runs, so that only the command that runs loads the registry.
import type { Command } from 'commander';
import { registerDiff } from './diff.ts';
import { registerGc } from './gc.ts';
import { registerInit } from './init.ts';
import { registerList } from './list.ts';
import { registerPull } from './pull.ts';
import { registerPush } from './push.ts';
import { registerRefs } from './refs.ts';
import { registerShow } from './show.ts';
import { registerTrustCommands } from './trust-commands.ts';
import { registerVerify } from './verify.ts';

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

export { diffFiles, diffMetadata, metricVerdict } from './diff-versions.ts';
export { SIGNING_KEY_ENV } from './trust-commands.ts';
export { addTrustOptions, type TrustCommandOptions, trustPolicyFromOptions } from './trust-options.ts';
