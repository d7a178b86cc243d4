import h5wasm, { type File as H5File } from 'h5wasm/node';

// h5wasm runs the HDF5 C library in WebAssembly over an in-memory Emscripten filesystem (MEMFS). Writing
// trusted files happens here, in the main thread, so no HDF5 file touches the real disk; reading untrusted
// files happens in a worker (hdf5-tree.ts) because corrupt input can abort the library.

type H5Module = Awaited<typeof h5wasm.ready>;

let ready: Promise<H5Module> | undefined;
let counter = 0;

function h5(): Promise<H5Module> {
  ready ??= h5wasm.ready.then((module) => {
    // Make HDF5 failures throw JS errors instead of printing a diagnostic stack to stderr.
    module.activate_throwing_error_handler();
    return module;
  });
  return ready;
}

/** Reduces an "HDF5-DIAG: Error detected…" stack to its innermost cause, e.g. "H5F__super_read(): truncated file". */
export function summarizeHdf5Error(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const frames = [...text.matchAll(/in (\w+)\(\): (.+)$/gm)];
  const last = frames[frames.length - 1];
  return last ? `${last[1]}(): ${last[2]!.trim()}` : text.split('\n')[0]!;
}

/** Creates a new HDF5 file in MEMFS, lets `fill` write it, and returns its bytes. */
export async function createHdf5Bytes(fill: (file: H5File) => void): Promise<Uint8Array> {
  const { FS } = await h5();
  const path = `/modelshelf-write-${process.pid}-${counter++}.h5`;
  // HDF5 stamps every object header with the wall clock (through Emscripten's Date.now); pinning the
  // clock for this synchronous write makes the same model encode to the same bytes (same digest).
  const realNow = Date.now;
  Date.now = () => 0;
  try {
    const file = new h5wasm.File(path, 'w');
    try {
      fill(file);
    } finally {
      file.close();
      Date.now = realNow;
    }
    return FS!.readFile(path, { encoding: 'binary' }).slice();
  } finally {
    Date.now = realNow;
    if (FS!.analyzePath(path).exists) FS!.unlink(path);
  }
}
