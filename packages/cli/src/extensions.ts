// The loader's and trainer's commands, loaded by dynamic import so that:
//  - the binary works before (or without) those packages' command modules;
//  - the registry never depends on the loader or trainer (data flows one way);
//  - a registry command such as `modelshelf ls` need not load them at all (main.ts skips them).
import { fileURLToPath } from 'node:url';
import { registerFormatDetector } from '@modelshelf/registry';
import type { Command } from 'commander';

interface Extension {
  /** Package subpath tried first (imports only the commands module), then the package itself. */
  specifiers: string[];
  exportName: string;
}

export const EXTENSIONS: Extension[] = [
  { specifiers: ['@modelshelf/loader/commands', '@modelshelf/loader'], exportName: 'registerLoaderCommands' },
  { specifiers: ['@modelshelf/trainer/commands', '@modelshelf/trainer'], exportName: 'registerTrainCommand' },
];

type Register = (program: Command) => unknown;

const ABSENT = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_PACKAGE_PATH_NOT_EXPORTED', 'MODULE_NOT_FOUND']);
const THIS_FILE = fileURLToPath(import.meta.url);

/**
 * "Not there (yet)" is normal: the package does not export the subpath, or the package or its entry
 * file is missing, and Node then says "… imported from <this file>" (vite, under vitest, words it
 * "… is not exported under the conditions …"). A module missing further down (imported by the
 * package's own files) is a real bug in that package and must be reported, not skipped.
 */
function isAbsent(err: unknown, specifier: string): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = String((err as Error | undefined)?.message);
  if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return true;
  if (
    /is not exported|not defined by "exports"/.test(message) &&
    message.includes(specifier.split('/').slice(0, 2).join('/'))
  )
    return true;
  return (
    code !== undefined &&
    ABSENT.has(code) &&
    (message.includes(THIS_FILE) || message.includes(`'${specifier}'`))
  );
}

async function findRegister(ext: Extension): Promise<Register | undefined> {
  for (const specifier of ext.specifiers) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(specifier)) as Record<string, unknown>;
    } catch (err) {
      if (isAbsent(err, specifier)) continue;
      throw err;
    }
    const register = mod[ext.exportName];
    if (typeof register === 'function') return register as Register;
  }
  return undefined;
}

/** Registers every extension that exists; returns the names of those that failed to load, with why. */
export async function registerExtensions(program: Command): Promise<string[]> {
  const problems: string[] = [];
  for (const ext of EXTENSIONS) {
    try {
      const register = await findRegister(ext);
      if (register) await register(program);
    } catch (err) {
      problems.push(`${ext.exportName} could not be loaded: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * Detectors `push` consults when no --format is given. Registered as thin stubs so that a registry
 * command never imports the loader up front: the loader's detector loads only when a push needs it.
 */
export function registerLazyFormatDetectors(): void {
  registerFormatDetector('kepler-weights', async (files) => {
    if (!files.some((f) => f.path.toLowerCase().endsWith('.json'))) return undefined;
    try {
      const { detectKeplerWeightsFiles } = await import('@modelshelf/loader/kepler-detector');
      return await detectKeplerWeightsFiles(files);
    } catch (err) {
      if (isAbsent(err, '@modelshelf/loader/kepler-detector')) return undefined;
      throw err;
    }
  });
}
