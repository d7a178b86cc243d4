// The in-memory test driver (test/helpers/memory-driver.ts) must behave like a real one.
import { MemoryDriver } from '../helpers/memory-driver.ts';
import { describeDriverConformance } from './driver-suite.ts';

describeDriverConformance('memory (test driver)', async () => ({
  driver: new MemoryDriver(),
  cleanup: async () => {},
}));
