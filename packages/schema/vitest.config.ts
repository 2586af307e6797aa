import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@stagent/source'] },
  ssr: { resolve: { conditions: ['@stagent/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
