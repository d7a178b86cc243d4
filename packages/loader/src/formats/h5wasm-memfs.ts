import h5wasm, { type File as H5File } from 'h5wasm/node';

// h5wasm runs the HDF5 C library in WebAssembly over an in-memory Emscripten filesystem (MEMFS). These
// helpers move bytes in and out of that filesystem so no HDF5 file ever touches the real disk, and turn
// HDF5's error stack into one readable line.

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

/** Opens `bytes` read-only in MEMFS, hands the file to `use`, then closes and deletes it whatever happens. */
export async function withHdf5Bytes<T>(bytes: Uint8Array, use: (file: H5File) => T): Promise<T> {
  const { FS } = await h5();
  const path = `/modelshelf-read-${process.pid}-${counter++}.h5`;
  FS!.writeFile(path, bytes);
  let file: H5File | undefined;
  try {
    file = new h5wasm.File(path, 'r');
    return use(file);
  } finally {
    try {
      file?.close();
    } finally {
      FS!.unlink(path);
    }
  }
}

/** Creates a new HDF5 file in MEMFS, lets `fill` write it, and returns its bytes. */
export async function createHdf5Bytes(fill: (file: H5File) => void): Promise<Uint8Array> {
  const { FS } = await h5();
  const path = `/modelshelf-write-${process.pid}-${counter++}.h5`;
  try {
    const file = new h5wasm.File(path, 'w');
    try {
      fill(file);
    } finally {
      file.close();
    }
    return FS!.readFile(path, { encoding: 'binary' }).slice();
  } finally {
    if (FS!.analyzePath(path).exists) FS!.unlink(path);
  }
}
