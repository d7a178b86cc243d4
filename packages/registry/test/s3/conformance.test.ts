// The shared driver conformance suite, unchanged, against a real S3 server (Ceph RGW in CI).
// Each run uses its own random prefix in the test bucket and removes it afterwards.
import { describe } from 'vitest';
import { describeDriverConformance } from '../conformance/driver-suite.ts';
import { haveS3, removeAll, testDriver, testUri } from './env.ts';

describe.runIf(haveS3('registry: S3 driver conformance'))('S3 driver conformance', () => {
  describeDriverConformance('s3 (real S3 endpoint)', async () => {
    const driver = testDriver(testUri('conformance'));
    return {
      driver,
      cleanup: async () => {
        await removeAll(driver);
        await driver.close();
      },
    };
  });
});
