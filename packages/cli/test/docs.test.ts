// docs/cli.md is generated from the commander definitions; this keeps it from drifting.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLI_DOCS_PATH, generateCliDocs } from '../../../scripts/gen-cli-docs.ts';

describe('docs/cli.md', () => {
  it('matches what the commands say about themselves', { timeout: 120_000 }, async () => {
    const generated = await generateCliDocs();
    const committed = await readFile(CLI_DOCS_PATH, 'utf8').catch(() => '(missing)');
    // Sanity: the generator really walked the program, so an empty render cannot pass.
    for (const heading of ['### `modelshelf push`', '#### `modelshelf alias set`', '## Exit codes'])
      expect(generated).toContain(heading);
    // toBe shows the differing lines; the message says how to fix it.
    expect(
      committed,
      'docs/cli.md is out of date: run `pnpm exec tsx scripts/gen-cli-docs.ts` to refresh',
    ).toBe(generated);
  });
});
