import { defineConfig } from 'vitest/config';

// Suites that stop a shared service (the RGW outage test) run in a group of their own, after every
// other suite has finished, so no other suite ever meets a gateway that a test switched off.
const DISRUPTIVE = ['test/loader-rgw.test.ts'];

// One vitest run covers every package and the cross-package suites in test/.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The AWS SDK warns once per process (and every child inherits the setting) that its releases after
    // early 2027 need Node 22: noise in test logs. test/quiet-commands.test.ts unsets it to check that the
    // CLI silences the warning itself.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Builds the `modelshelf` binary the suites spawn when its sources are newer than the build.
    globalSetup: ['test/global-setup.ts'],
    // The skip reporter ends the run with the list of suites that did not run and how to enable them.
    reporters: ['default', './test/support/skip-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...DISRUPTIVE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'service-outage', include: DISRUPTIVE, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
