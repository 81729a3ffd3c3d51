import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000, // a guard against hangs on a loaded 2-core machine, not a performance check (benchmarks measure speed)
  },
});
