// Worker thread: opens untrusted HDF5 bytes with h5wasm and posts back a plain tree of groups, attributes
// and datasets. It runs in its own thread because the HDF5 C library can abort() or loop forever on
// corrupt input; the parent terminates this worker on a crash or timeout and starts a fresh one.
// Plain JavaScript on purpose: workers do not inherit the TypeScript loader.
import { parentPort } from 'node:worker_threads';
import h5wasm from 'h5wasm/node';

const ready = h5wasm.ready.then((module) => {
  module.activate_throwing_error_handler();
  return module;
});

function attributes(node) {
  const out = {};
  for (const [name, attr] of Object.entries(node.attrs)) out[name] = attr.value;
  return out;
}

async function readTree({ id, bytes, maxNodes, maxDepth }) {
  const { FS } = await ready;
  // A fresh name per request: HDF5 keeps a file open while any object in it is, and reopening the same
  // name would then hand back the previous file's cached metadata for new bytes.
  const path = `/input-${id}.h5`;
  FS.writeFile(path, bytes);
  let file;
  try {
    file = new h5wasm.File(path, 'r');
    let count = 0;
    const walk = (node, depth) => {
      if (++count > maxNodes) throw new Error(`more than ${maxNodes} HDF5 objects`);
      if (node === null) return { kind: 'other', attrs: {} };
      if (node.type === 'Dataset') {
        const value = node.value;
        return {
          kind: 'dataset',
          attrs: attributes(node),
          shape: node.shape,
          dtype: String(node.dtype),
          value,
        };
      }
      if (node.type !== 'Group') return { kind: 'other', attrs: {} };
      const children = {};
      if (depth < maxDepth) for (const name of node.keys()) children[name] = walk(node.get(name), depth + 1);
      return { kind: 'group', attrs: attributes(node), children };
    };
    return walk(file, 0);
  } finally {
    try {
      file?.close();
    } finally {
      FS.unlink(path);
    }
  }
}

parentPort.on('message', (request) => {
  readTree(request).then(
    (tree) => parentPort.postMessage({ id: request.id, ok: true, tree }),
    (err) =>
      parentPort.postMessage({
        id: request.id,
        ok: false,
        error: String(err?.message ?? err),
        // A wasm trap or abort() leaves the HDF5 instance unusable: tell the parent to replace this worker.
        poisoned: err instanceof WebAssembly.RuntimeError || /abort/i.test(String(err?.message)),
      }),
  );
});
