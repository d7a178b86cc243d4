// Regenerates docs/cli.md from the commander definitions of every registered command (registry,
// loader, trainer). packages/cli/test/docs.test.ts fails when the committed file differs.
//   pnpm exec tsx scripts/gen-cli-docs.ts           write docs/cli.md
//   pnpm exec tsx scripts/gen-cli-docs.ts --check   exit 1 if docs/cli.md is stale
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildProgram, renderCliDocs } from '../packages/cli/src/index.ts';

export const CLI_DOCS_PATH = fileURLToPath(new URL('../docs/cli.md', import.meta.url));

export async function generateCliDocs(): Promise<string> {
  return renderCliDocs(buildProgram());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await generateCliDocs();
  if (process.argv.includes('--check')) {
    const current = await readFile(CLI_DOCS_PATH, 'utf8').catch(() => '');
    if (current !== text) {
      console.error('docs/cli.md is stale: run `pnpm exec tsx scripts/gen-cli-docs.ts` to refresh');
      process.exitCode = 1;
    }
  } else {
    await writeFile(CLI_DOCS_PATH, text);
    console.log(`wrote ${CLI_DOCS_PATH}`);
  }
}
