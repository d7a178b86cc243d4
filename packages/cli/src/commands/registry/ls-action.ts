// The action of `modelshelf ls` (descriptor: list.ts), loaded only when the command runs.
import type { Command } from 'commander';
import { outputFor, withStore } from '../../kit/index.ts';

const formatAliases = (aliases: Record<string, number>) =>
  Object.entries(aliases)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, v]) => `${name}=${v}`)
    .join(', ');

export async function lsAction(prefix: string | undefined, _opts: object, cmd: Command): Promise<void> {
  const out = outputFor(cmd);
  const models = await withStore(cmd, (store) => store.listModels(prefix));
  if (out.json) return out.printJson(models);
  if (models.length === 0) {
    out.note(prefix ? `no models under ${JSON.stringify(prefix)}` : 'no models in this store yet');
    return;
  }
  out.table(
    [
      { header: 'MODEL' },
      { header: 'LATEST', align: 'right' },
      { header: 'PIN', align: 'right' },
      { header: 'ALIASES' },
    ],
    models.map((m) => [m.model, String(m.latest ?? '-'), String(m.pin ?? '-'), formatAliases(m.aliases)]),
  );
}
