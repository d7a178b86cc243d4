import * as tf from '@tensorflow/tfjs';

// One place that readies tfjs for the loader: the pure-JS cpu backend (tfjs-node cannot be assumed, and
// webgl does not exist in Node). Setting it once avoids tfjs probing webgl on every first use.

let ready: Promise<typeof tf> | undefined;

export function tfjsRuntime(): Promise<typeof tf> {
  ready ??= (async () => {
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return ready;
}
