// @modelshelf/cli: the program builder (for embedding and for the docs generator).
export { renderCliDocs } from './docs.ts';
export { buildBaseProgram, buildProgram, cliVersion, PROGRAM_NAME } from './program.ts';
