// `pnpm run install-cli`: puts `modelshelf` on the PATH by linking packages/cli/bin/modelshelf.js into
// npm's global bin directory (`npm prefix -g`/bin), the directory that already holds the `pnpm` the
// README's first step installed with `npm i -g`. The link points into this checkout, so a later
// `pnpm install` (which rebuilds packages/cli/dist) updates the command too. Idempotent; refuses to
// replace a `modelshelf` that is not a link to a modelshelf checkout.
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = resolve(fileURLToPath(new URL('../packages/cli/bin/modelshelf.js', import.meta.url)));
const prefix = execFileSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).trim();
const dir = process.platform === 'win32' ? prefix : join(prefix, 'bin');
const link = join(dir, 'modelshelf');

mkdirSync(dir, { recursive: true });
chmodSync(BIN, 0o755);
let existing;
try {
  existing = lstatSync(link);
} catch {}
if (existing) {
  const target = existing.isSymbolicLink() ? readlinkSync(link) : undefined;
  if (!target?.endsWith('packages/cli/bin/modelshelf.js')) {
    console.error(`error: ${link} exists and is not a link to a modelshelf checkout`);
    console.error("hint: remove it, or put this checkout's packages/cli/bin on your PATH instead");
    process.exit(2);
  }
  unlinkSync(link);
}
symlinkSync(BIN, link);
console.log(
  `modelshelf → ${BIN}\n(${dir} is where npm puts global commands; \`modelshelf --help\` works from any directory)`,
);
