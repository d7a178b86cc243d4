// @modelshelf/cli: the program builder (for embedding and for the docs generator) and the CLI kit that
// every command module shares.
export { registerLoaderCommands, runWatch, type WatchRun } from './commands/loader/index.ts';
export { registerRegistryCommands } from './commands/registry/index.ts';
export { type RegisterTrainOptions, registerTrainCommand } from './commands/trainer/train.ts';
export { renderCliDocs } from './docs.ts';
export * from './kit/index.ts';
export { buildProgram, cliVersion, PROGRAM_NAME } from './program.ts';
