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
  build: { outDir: '../dist/dashboard', emptyOutDir: true },
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
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'server/**/*.test.ts', 'dashboard/src/**/*.test.ts', 'dashboard/src/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
