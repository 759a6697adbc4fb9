import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Namespace and dataplane tests start real processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fail on a missing golden in CI instead of writing it.
    update: false,
  },
});
