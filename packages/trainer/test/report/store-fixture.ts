// A store holding two versions of two trainers of one feature group, trained on Kepler's recorded
// Prometheus data, with a pin and an alias: what the report suites draw from.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@modelshelf/registry';
import { type TrainResult, train } from '../../src/pipeline/train.ts';
import { type PublishDecision, publishModels } from '../../src/publish/publish.ts';
import { trainerByName } from '../../src/trainers/index.ts';
import { PROM_2023_09 } from '../helpers/fixtures.ts';

export const LINEAR = 'rapl-sysfs/AbsPower/CounterOnly/LinearRegressionTrainer_0';
export const SGD = 'rapl-sysfs/AbsPower/CounterOnly/SGDRegressorTrainer_0';

export const trainFixture = (seed: number) =>
  train({
    source: { kind: 'file', path: PROM_2023_09 },
    energySource: 'rapl-sysfs',
    featureGroups: ['CounterOnly'],
    outputTypes: ['AbsPower'],
    trainers: [trainerByName('LinearRegressionTrainer'), trainerByName('SGDRegressorTrainer')],
    seed,
  });

export interface ReportStore {
  dir: string;
  store: Store;
  /** The second run (seed 1): v2 of both models. */
  last: TrainResult;
  lastDecisions: PublishDecision[];
  remove(): Promise<void>;
}

export async function reportStore(): Promise<ReportStore> {
  const dir = await mkdtemp(join(tmpdir(), 'trainer-report-'));
  const store = await openStore(join(dir, 'store'), { create: true });
  await publishModels(store, (await trainFixture(0)).models);
  const last = await trainFixture(1);
  const lastDecisions = await publishModels(store, last.models);
  await store.pin(LINEAR, 1, { reason: 'v2 is not reviewed yet' });
  await store.setAlias(LINEAR, 'stable', 2);
  return {
    dir,
    store,
    last,
    lastDecisions,
    async remove() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
