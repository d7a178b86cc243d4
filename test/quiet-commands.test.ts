// Normal commands print only what modelshelf says: no third-party banner or warning on stdout or
// stderr (TensorFlow.js's "running in Node.js" banner on first use of its cpu backend was the
// loudest). DenseNetworkTrainer is the trainer that runs tfjs (its tfjs-layers export).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO, runCli } from '../packages/cli/test/helpers/cli.ts';

const PROM = join(
  REPO,
  'fixtures/kepler/kepler-model-server/tests/data/prom_output/prom_response_2023-09.json',
);
const NOISE =
  /TensorFlow\.js|tfjs-node|={10,}|AWS SDK|NodeDeprecationWarning|ExperimentalWarning|\(node:\d+\)/;

it('train on the Kepler fixture prints its report and nothing from tfjs', async () => {
  const r = await runCli([
    'train',
    '--data',
    PROM,
    '--energy-source',
    'rapl-sysfs',
    '--trainers',
    'DenseNetworkTrainer',
    '--feature-groups',
    'CounterOnly',
    '--output-types',
    'AbsPower',
    '--dry-run',
  ]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('rapl-sysfs/AbsPower/CounterOnly/DenseNetworkTrainer_0');
  expect(r.stdout).not.toMatch(NOISE);
  expect(r.stderr).toBe('');
}, 120_000);
