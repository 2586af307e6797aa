import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// In dev and preview, /graphql (HTTP and WebSocket) is proxied to the API so the browser talks to
// one origin, exactly as with the production server (server.js).
const api = process.env.API_URL ?? 'http://127.0.0.1:4000';
const proxy = { '/graphql': { target: api, ws: true, changeOrigin: true } };

// Workspace packages are read from source (their `@stagent/source` export condition), as in the
// engine and API: `@stagent/engine/format` is compiled into the bundle, no engine build needed.
const source = '@stagent/source';

export default defineConfig({
  plugins: [sveltekit(), svelteTesting()],
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions] } },
  server: { proxy },
  preview: { proxy },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.spec.ts'],
    setupFiles: ['src/test-data/setup.ts'],
  },
});
