import * as tf from '@tensorflow/tfjs';

// One place that readies tfjs for the loader: the pure-JS cpu backend (tfjs-node cannot be assumed, and
// webgl does not exist in Node). Setting it once avoids tfjs probing webgl on every first use.
//
// tfjs also talks on the console: the cpu backend's "Hi, looks like you are running TensorFlow.js in
// Node.js…" banner on first use, and tfjs-layers' console.warn about a damaged model's input shape
// (which our decoders then reject with a FormatError naming the problem). None of it is for the user
// of a modelshelf command, so production mode silences tfjs-core's own warnings and tfjs-layers'
// direct console.warn calls are dropped; MODELSHELF_DEBUG=1 lets them through.

let ready: Promise<typeof tf> | undefined;

export function tfjsRuntime(): Promise<typeof tf> {
  ready ??= (async () => {
    if (!process.env.MODELSHELF_DEBUG) {
      tf.env().set('PROD', true);
      muteTfjsConsoleWarnings();
    }
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return ready;
}

const TFJS_FRAME = /[\\/]@tensorflow[\\/]tfjs/;
let muted = false;

/** Drops console.warn calls made from inside tfjs; every other caller's warnings pass unchanged. */
function muteTfjsConsoleWarnings(): void {
  if (muted) return;
  muted = true;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    // Frame 0 is this wrapper, frame 1 the caller.
    const caller = new Error().stack?.split('\n')[2] ?? '';
    if (TFJS_FRAME.test(caller)) return;
    warn(...args);
  };
}
