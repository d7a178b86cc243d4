// Package boundaries of the workspace: code in packages/<p>/{src,test} may import another
// workspace package only through a specifier its package.json `exports` lists, and no relative
// import may leave the package it is written in: source files never, test files only towards the
// repository's own harness outside packages/ (test/support, test/readers, scripts/), which belongs
// to no package. Imports are read with TypeScript's own pre-processor (static imports, re-exports,
// dynamic import() with a literal), plus require.resolve() of package files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface Violation {
  file: string;
  specifier: string;
  why: string;
}

interface WorkspacePackage {
  name: string;
  dir: string;
  exports: Set<string>;
  /** Names in its package.json `dependencies`. */
  dependencies: Set<string>;
}

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SCANNED = ['src', 'test'];

function packagesOf(root: string): WorkspacePackage[] {
  const base = join(root, 'packages');
  return readdirSync(base)
    .filter((d) => statSync(join(base, d)).isDirectory())
    .flatMap((d) => {
      const dir = join(base, d);
      let manifest: { name?: string; exports?: unknown; dependencies?: Record<string, string> };
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch {
        return [];
      }
      if (!manifest.name) return [];
      const exp = manifest.exports;
      const keys =
        typeof exp === 'string' ? ['.'] : exp && typeof exp === 'object' ? Object.keys(exp as object) : [];
      const dependencies = new Set(Object.keys(manifest.dependencies ?? {}));
      return [{ name: manifest.name, dir, exports: new Set(keys), dependencies }];
    });
}

function filesUnder(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === 'node_modules') continue;
    const full = join(dir, e);
    if (statSync(full).isDirectory()) filesUnder(full, out);
    else if (SOURCE.test(e)) out.push(full);
  }
  return out;
}

/** Module specifiers `file` imports or resolves. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  for (const m of text.matchAll(/require\.resolve\(\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** Every boundary violation under `root` (a workspace with a packages/ directory). */
export function boundaryViolations(root: string): Violation[] {
  const packages = packagesOf(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const violations: Violation[] = [];
  for (const pkg of packages) {
    for (const file of SCANNED.flatMap((d) => filesUnder(join(pkg.dir, d)))) {
      const isTest = file.startsWith(join(pkg.dir, 'test') + sep);
      for (const specifier of importsOf(file)) {
        const shown = relative(root, file);
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          const inPackage = target === pkg.dir || target.startsWith(pkg.dir + sep);
          const intoPackages = target.startsWith(join(root, 'packages') + sep);
          if (!inPackage && (!isTest || intoPackages))
            violations.push({
              file: shown,
              specifier,
              why: `leaves ${pkg.name}; import the package by name`,
            });
          continue;
        }
        const parts = specifier.split('/');
        const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
        const target = byName.get(name);
        if (!target) continue;
        // A source file's workspace imports are declared: resolving through the root's node_modules
        // would hide a dependency the package's own install does not have.
        if (!isTest && target !== pkg && !pkg.dependencies.has(name))
          violations.push({ file: shown, specifier, why: `${name} is not in ${pkg.name}'s dependencies` });
        const sub = `.${specifier.slice(name.length)}` || '.';
        const key = sub === '.' ? '.' : sub;
        if (!target.exports.has(key))
          violations.push({
            file: shown,
            specifier,
            why: `"${key}" is not in ${name}'s exports (${[...target.exports].join(', ') || 'none'})`,
          });
      }
    }
  }
  return violations;
}

/** Declared `dependencies` of each package that none of its files (src, test, bin) imports. */
export function unusedDependencies(root: string): string[] {
  const unused: string[] = [];
  const base = join(root, 'packages');
  for (const d of readdirSync(base)) {
    const dir = join(base, d);
    let manifest: { name?: string; dependencies?: Record<string, string> };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const imported = new Set<string>();
    for (const file of [...SCANNED, 'bin'].flatMap((s) => filesUnder(join(dir, s)))) {
      for (const fileName of importsOf(file)) {
        if (fileName.startsWith('.') || fileName.startsWith('node:')) continue;
        const parts = fileName.split('/');
        imported.add(fileName.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
    for (const dep of Object.keys(manifest.dependencies ?? {}))
      if (!imported.has(dep)) unused.push(`${manifest.name}: ${dep}`);
  }
  return unused;
}
