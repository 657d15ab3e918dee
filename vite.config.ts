/*
 * One config for the dashboard build (Vite), the dev server (proxying the API
 * to the revcycle server) and the test runner (Vitest).
 */
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const apiTarget = process.env.REVCYCLE_API_URL ?? `http://localhost:${process.env.PORT ?? 4000}`;

export default defineConfig({
  root: 'dashboard',
  plugins: [react()],
  build: {
    outDir: '../dist/dashboard',
    emptyOutDir: true,
    rolldownOptions: {
      // @tremor/react declares no `sideEffects`, so every module of it (date pickers, selects, their
      // headlessui/date-fns/react-day-picker imports) would ship whether used or not. Its modules only
      // define components: tree-shake them like any side-effect-free package.
      treeshake: { moduleSideEffects: [{ test: /node_modules[\\/]@tremor[\\/]react[\\/]/, sideEffects: false }] },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/cubejs-api': apiTarget,
      '/api': apiTarget,
      '/readyz': apiTarget,
    },
  },
  test: {
    root: '.',
    include: [
      'test/**/*.test.ts',
      'test/**/*.test.tsx',
      'server/**/*.test.ts',
      'dashboard/src/**/*.test.ts',
      'dashboard/src/**/*.test.tsx',
    ],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
