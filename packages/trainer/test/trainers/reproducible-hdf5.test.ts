import { describe, expect, it } from 'vitest';
import { decodeKerasH5Network, encodeKerasH5 } from '../../../loader/src/formats/keras-h5.ts';
import { lookup3, withoutHdf5Timestamps } from '../../src/trainers/reproducible-hdf5.ts';

const net = {
  features: ['cpu', 'OHDR'],
  outputs: ['package'],
  layers: [
    {
      units: 2,
      activation: 'relu' as const,
      kernel: new Float32Array([1, 2, 3, 4]),
      bias: new Float32Array([0.5, 0.25]),
    },
    {
      units: 1,
      activation: 'linear' as const,
      kernel: new Float32Array([1, -1]),
      bias: new Float32Array([3]),
    },
  ],
};

describe('lookup3', () => {
  it('matches the reference values of Bob Jenkins’ hashlittle', () => {
    expect(lookup3(new Uint8Array())).toBe(0xdeadbeef);
    expect(lookup3(new TextEncoder().encode('Four score and seven years ago'))).toBe(0x17770551);
  });
});

describe('withoutHdf5Timestamps', () => {
  it('makes files written in different seconds identical, and they still decode to the same network', async () => {
    const first = (await encodeKerasH5(net))['model.h5']!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = (await encodeKerasH5(net))['model.h5']!;
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
    const a = withoutHdf5Timestamps(first);
    expect(Buffer.from(a).equals(Buffer.from(withoutHdf5Timestamps(second)))).toBe(true);
    // h5wasm verifies every object-header checksum while reading, so a wrong re-seal would fail here.
    const back = await decodeKerasH5Network(a);
    expect(back.features).toEqual(net.features);
    expect(back.layers.map((l) => Array.from(l.kernel))).toEqual(net.layers.map((l) => Array.from(l.kernel)));
  });

  it('leaves an "OHDR" that is not a checksummed header alone', () => {
    const bytes = new TextEncoder().encode('xxOHDR\u0002\u0020' + '\u0001'.repeat(40));
    expect(Array.from(withoutHdf5Timestamps(bytes))).toEqual(Array.from(bytes));
  });
});
