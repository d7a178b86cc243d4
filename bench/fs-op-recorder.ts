// Times every node:fs/promises call (and FileHandle method) a piece of code makes, grouped by a
// phase label the caller sets, so a publish can be broken down into what the filesystem spent on it.
// Node's built-in ES modules keep live bindings to the CommonJS exports: patching the exports object
// and calling syncBuiltinESMExports() reaches code that did `import { link } from 'node:fs/promises'`.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';

const require = createRequire(import.meta.url);
const fsp = require('node:fs/promises') as Record<string, unknown>;

const MODULE_CALLS = ['open', 'link', 'mkdir', 'readFile', 'rename', 'unlink', 'stat', 'rmdir', 'readdir'];
const HANDLE_CALLS = ['sync', 'datasync', 'writeFile', 'write', 'readFile', 'stat'];

export interface OpTotals {
  count: number;
  ms: number;
}

export interface FsOpRecorder {
  /** Later calls are counted under this phase (e.g. "manifest"). */
  phase: string;
  /** phase → operation → totals; a FileHandle's method is named "fh.<method>". */
  readonly totals: Map<string, Map<string, OpTotals>>;
  reset(): void;
  /** Puts the original functions back. */
  restore(): void;
}

/**
 * Only calls on paths under `root` are counted (a handle counts if it was opened there), so other
 * work in the same process, such as a watcher on another mount, stays out of the figures.
 */
export async function recordFsOps(root: string): Promise<FsOpRecorder> {
  const totals = new Map<string, Map<string, OpTotals>>();
  const recorder: FsOpRecorder = {
    phase: 'other',
    totals,
    reset: () => totals.clear(),
    restore: () => {},
  };
  const add = (op: string, ms: number) => {
    let byOp = totals.get(recorder.phase);
    if (!byOp) {
      byOp = new Map();
      totals.set(recorder.phase, byOp);
    }
    const t = byOp.get(op) ?? { count: 0, ms: 0 };
    t.count++;
    t.ms += ms;
    byOp.set(op, t);
  };
  const ours = new WeakSet<object>();
  const counts = (self: unknown, args: unknown[]) =>
    typeof self === 'object' && self !== null && ours.has(self)
      ? true
      : typeof args[0] === 'string' && args[0].startsWith(root);
  const timed = (op: string, fn: (...args: unknown[]) => Promise<unknown>) =>
    async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await fn.apply(this, args);
      } finally {
        if (counts(this, args)) add(op, performance.now() - started);
      }
    };

  const originals: Array<() => void> = [];
  for (const name of MODULE_CALLS) {
    const original = fsp[name] as (...args: unknown[]) => Promise<unknown>;
    // A FileHandle's close is an own property set per handle, so it is wrapped on each opened handle.
    const wrapped =
      name === 'open'
        ? async (...args: unknown[]) => {
            const fh = (await original(...args)) as { close: (...a: unknown[]) => Promise<unknown> };
            if (typeof args[0] === 'string' && args[0].startsWith(root)) ours.add(fh);
            const close = fh.close.bind(fh);
            fh.close = function (this: unknown, ...a: unknown[]) {
              return timed('fh.close', close).apply(fh, a);
            };
            return fh;
          }
        : original;
    fsp[name] = timed(name, wrapped);
    originals.push(() => {
      fsp[name] = original;
    });
  }
  const probe = await (fsp.open as (p: string, f: string) => Promise<{ close(): Promise<void> }>)(
    tmpdir(),
    'r',
  );
  const handleProto = Object.getPrototypeOf(probe) as Record<string, unknown>;
  await probe.close();
  for (const name of HANDLE_CALLS) {
    const original = handleProto[name] as (...args: unknown[]) => Promise<unknown>;
    handleProto[name] = timed(`fh.${name}`, original);
    originals.push(() => {
      handleProto[name] = original;
    });
  }
  syncBuiltinESMExports();
  recorder.reset();
  recorder.restore = () => {
    for (const put of originals) put();
    syncBuiltinESMExports();
  };
  return recorder;
}
