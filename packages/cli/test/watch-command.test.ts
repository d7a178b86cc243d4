// `modelshelf watch`: one JSON line per served version and per failure.

import { rawDecoder } from '@modelshelf/loader';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { publishToy, tempStore } from '../../loader/test/helpers/store.ts';
import { until } from '../../loader/test/helpers/wait.ts';
import { registerLoaderCommands, runWatch } from '../src/commands/loader/index.ts';
import { addGlobalOptions } from '../src/kit/index.ts';

describe('watch command', () => {
  it('prints loaded and error events as JSON lines until aborted', async () => {
    const { store, cleanup } = await tempStore();
    try {
      const first = await publishToy(store, 'm/x', 1);
      const lines: string[] = [];
      const controller = new AbortController();
      const done = runWatch({
        ref: 'm/x',
        store,
        json: true,
        pollIntervalMs: 100,
        poll: 'auto',
        decode: async (files, manifest) => {
          if (manifest.metadata.answer === 'bad') throw new Error('refused by the decoder');
          return rawDecoder(files, manifest);
        },
        write: (l) => lines.push(l),
        signal: controller.signal,
      });
      await until(() => lines.length === 1, 5000, 'first line');
      await publishToy(store, 'm/x', 'bad');
      await until(() => lines.length === 2, 5000, 'error line');
      controller.abort();
      await done;
      const [loaded, error] = lines.map((l) => JSON.parse(l));
      expect(loaded).toMatchObject({ event: 'loaded', model: 'm/x', version: 1, digest: first.digest });
      expect(Date.parse(loaded.at)).not.toBeNaN();
      expect(error).toMatchObject({ event: 'error', model: 'm/x', version: 2, reason: 'decode' });
      expect(error.message).toContain('refused by the decoder');
    } finally {
      await cleanup();
    }
  });

  it('registers watch with its options', () => {
    const program = registerLoaderCommands(addGlobalOptions(new Command()));
    const watch = program.commands.find((c) => c.name() === 'watch');
    expect(watch?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining(['--poll-interval', '--poll', '--cache-dir', '--raw']),
    );
  });
});
