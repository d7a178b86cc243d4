import { Worker } from 'node:worker_threads';
import { summarizeHdf5Error } from './h5wasm-memfs.ts';

// Reads untrusted HDF5 bytes into a plain tree in a worker thread: the HDF5 C library may abort() (which
// breaks its wasm instance for good) or spin on crafted input. The worker contains both, so the worst a
// corrupt model file can do is cost `timeoutMs` and produce an error. One worker is kept and reused
// (starting h5wasm costs about two seconds) and replaced after a crash or a timeout.

export type Hdf5Attributes = Record<string, unknown>;
export type Hdf5Node =
  | { kind: 'group'; attrs: Hdf5Attributes; children: Record<string, Hdf5Node> }
  | { kind: 'dataset'; attrs: Hdf5Attributes; shape: number[] | null; dtype: string; value: unknown }
  | { kind: 'other'; attrs: Hdf5Attributes };

export class Hdf5ReadError extends Error {
  override readonly name = 'Hdf5ReadError';
}

export interface Hdf5ReadOptions {
  /** Give up (and replace the worker) after this long; default 20 s, which includes a cold h5wasm start. */
  timeoutMs?: number;
  /** Refuse files with more objects than this; default 10 000 (a dense Keras model has a few dozen). */
  maxNodes?: number;
  /** Do not descend deeper than this (guards against link cycles); default 16. */
  maxDepth?: number;
}

type Reply =
  | { id: number; ok: true; tree: Hdf5Node }
  | { id: number; ok: false; error: string; poisoned: boolean };

let worker: Worker | undefined;
let nextId = 0;
/** Requests run one at a time: a timeout must be attributable to the request that caused it. */
let queue: Promise<unknown> = Promise.resolve();

function currentWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./hdf5-tree-worker.mjs', import.meta.url), { stdout: true, stderr: true });
    worker.unref();
    // HDF5 and Emscripten print diagnostics on corrupt input; the error reply already carries the cause,
    // so the worker's stdout and stderr are piped here and never read. Never read on purpose: a
    // flowing worker stdio stream refs the worker's port, which kept every process that had decoded a
    // Keras file alive after its work was done (`modelshelf predict` never exited). The little a
    // worker prints is buffered and freed with it.
  }
  return worker;
}

function discardWorker(): void {
  void worker?.terminate();
  worker = undefined;
}

function readOnce(bytes: Uint8Array, options: Required<Hdf5ReadOptions>): Promise<Hdf5Node> {
  return new Promise((resolve, reject) => {
    const w = currentWorker();
    const id = nextId++;
    const cleanup = () => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const fail = (message: string) => {
      cleanup();
      discardWorker();
      reject(new Hdf5ReadError(message));
    };
    const onMessage = (reply: Reply) => {
      if (reply.id !== id) return;
      cleanup();
      if (reply.ok) return resolve(reply.tree);
      if (reply.poisoned) discardWorker();
      reject(new Hdf5ReadError(summarizeHdf5Error(reply.error)));
    };
    const onError = (err: Error) => fail(`HDF5 reader crashed: ${err.message}`);
    const onExit = (code: number) => fail(`HDF5 reader exited (code ${code}) without an answer`);
    const timer = setTimeout(
      () => fail(`HDF5 reader gave up after ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    w.on('message', onMessage);
    w.once('error', onError);
    w.once('exit', onExit);
    w.postMessage({ id, bytes, maxNodes: options.maxNodes, maxDepth: options.maxDepth });
  });
}

export function readHdf5Tree(bytes: Uint8Array, options: Hdf5ReadOptions = {}): Promise<Hdf5Node> {
  const resolved = { timeoutMs: 20_000, maxNodes: 10_000, maxDepth: 16, ...options };
  const run = queue.then(() => readOnce(bytes, resolved));
  queue = run.catch(() => undefined);
  return run;
}
