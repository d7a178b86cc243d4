// Paths of the real Kepler fixtures (fixtures/kepler, Apache-2.0) the import tests copy.
import { join } from 'node:path';

export const FIXTURES = new URL('../../../../fixtures/kepler/', import.meta.url).pathname;
export const EC2_BPF = join(FIXTURES, 'kepler-model-db/models/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly');
