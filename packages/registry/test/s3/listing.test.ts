// The listing summary against a real S3 server (Ceph RGW in CI): same behaviour as the in-memory
// suite, with the 2-request claim counted in HTTP requests.
import { describe } from 'vitest';
import { describeListingSummary } from '../helpers/listing-suite.ts';
import { countRequests, haveS3, removeAll, testDriver, testUri } from './env.ts';

describe.runIf(haveS3('registry: S3 listing summary'))('S3 listing summary', () => {
  describeListingSummary('s3 (real S3 endpoint)', async () => {
    const driver = testDriver(testUri('listing'));
    const http = countRequests(driver);
    return {
      driver,
      requests: () => http.count,
      cleanup: async () => {
        await removeAll(driver);
        await driver.close();
      },
    };
  });
});
