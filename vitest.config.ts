import { defineConfig } from 'vitest/config';

// Two tiers: `unit` needs nothing but node_modules and runs in seconds; `e2e` drives the built CLI,
// real k6, real S3 servers, HAProxy, Azurite and Chromium, one file at a time (they share the lab's ports).
// Under CI each tier also writes test-artifacts/<npm script>.json, which .ci/run sums up.
const tier = (process.env.npm_lifecycle_event ?? 'vitest').replace(':', '-');
const ci = process.env.CI
  ? { reporters: ['default', 'json'], outputFile: { json: `test-artifacts/${tier}.json` } }
  : {};

export default defineConfig({
  test: {
    ...ci,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'e2e',
          include: ['test/*.test.ts', 'test/engine/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
