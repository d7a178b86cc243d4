// Normal commands print only what modelshelf says: no third-party banner or warning on stdout or
// stderr (TensorFlow.js's "running in Node.js" banner on first use of its cpu backend was the
// loudest; the AWS SDK's Node-version notice on S3 commands the other). DenseNetworkTrainer is the
// trainer that runs tfjs (its tfjs-layers export).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../packages/cli/test/helpers/cli.ts';
import { haveS3, removeAll, testDriver, testUri } from '../packages/registry/test/s3/env.ts';

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

describe.runIf(haveS3('cli: S3 commands print no AWS SDK notice'))('on S3', () => {
  it('init and ls print only their own lines (no AWS SDK Node-version notice)', async () => {
    const uri = testUri('quiet');
    try {
      const said: Record<string, string> = { init: '', ls: 'no models in this store yet\n' };
      for (const [command, stderr] of Object.entries(said)) {
        const r = await runCli(['--store', uri, command], {
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined,
        });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).not.toMatch(NOISE);
        expect(r.stderr).toBe(stderr);
      }
    } finally {
      const driver = testDriver(uri);
      await removeAll(driver);
      await driver.close();
    }
  }, 60_000);
});
