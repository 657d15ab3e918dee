/*
 * One config for the dashboard build (Vite), the dev server (proxying the API
 * to the revcycle server) and the test runner (Vitest).
 */
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { PAGE_ROUTES, routePathSource } from './dashboard/src/routes.js';
import { SESSION_WITH_FIRST_BATCH } from './dashboard/src/api/first-batch.js';

const TEST_FILES = [
  'test/**/*.test.ts',
  'test/**/*.test.tsx',
  'server/**/*.test.ts',
  'dashboard/src/**/*.test.ts',
  'dashboard/src/**/*.test.tsx',
];
/**
 * Test files run one at a time (test/support/one-at-a-time.ts), beside the others: they wait on the wall clock (a
 * build slow enough to be killed mid-way, a burst of load for seconds, rate limits and deadlines, deliveries due at a
 * time) or run a cluster of processes. Files that kill a child at a phase it announces (REVCYCLE_IMPORT_HOLD_AT), after
 * CPU seconds of its own, or after a count of answers, with their own temp directories and port 0, run with the
 * others; so do the benchmark's files (test/bench/), which assert no time.
 */
const SERIAL = [
  'test/faults/rebuild.test.ts',
  'test/faults/load-smoke.test.ts',
  'test/api/limits.test.ts',
  'test/deliver/kill-mid-send.test.ts',
  'test/pg/cluster.test.ts',
];
// Three workers on two cores: much of a file's time is waiting (server start-up, a browser, a child process).
const PARALLEL_WORKERS = Number(process.env.REVCYCLE_TEST_WORKERS ?? 3);
const testBase = {
  root: '.',
  include: TEST_FILES,
  exclude: ['**/node_modules/**'],
  testTimeout: 60_000,
  hookTimeout: 240_000,
  pool: 'forks' as const,
  // Each file in a fresh process. REVCYCLE_TEST_ISOLATE=0 runs file after file in one worker with the modules it has
  // loaded (Cube, DuckDB, the server): ~20 % less CPU for the whole suite, but one run in three failed
  // test/bench/warehouse-time.test.ts (a New York server's query without a zone cut in another: Cube reads the default
  // zone from process.env, which every server in the process sets), so not the default until no server can move it.
  isolate: process.env.REVCYCLE_TEST_ISOLATE !== '0',
  // One group: projects of one `sequence.groupOrder` share its workers (Vitest needs one maxWorkers for them).
  maxWorkers: PARALLEL_WORKERS,
  sequence: { groupOrder: 0 },
};

// Only under Vitest: the dashboard's build (this same file) need not load the test runner.
const sequencer = process.env.VITEST ? (await import('./test/support/sequencer.js')).default : undefined;

/**
 * The build writes into index.html, for each page (dashboard/src/routes.ts), the chunks its module needs (the page's
 * own and the ones it imports, not the entry), and a small script that preloads (`modulepreload`) the opened page's
 * as the HTML is parsed: after the entry's script tag (asked first), before the stylesheet (a script after it waits for
 * it). Without it the page's code (recharts and d3 among it, 389 kB) is asked for only once the
 * entry (index.js) has downloaded and run: about 300 ms later on a loaded machine.
 */
function preloadOpenedPage(): Plugin {
  let base = '/';
  return {
    name: 'revcycle:preload-opened-page',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        if (!bundle) return html;
        const entry = /<script type="module"[^>]*><\/script>/.exec(html);
        if (!entry) throw new Error("no entry script in the built index.html to preload the pages' chunks after");
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
        const byFile = new Map(chunks.map((c) => [c.fileName, c]));
        const size = (fileName: string) => byFile.get(fileName)?.code.length ?? 0;
        const needs = (fileName: string, seen: Set<string>): Set<string> => {
          const chunk = byFile.get(fileName);
          if (!chunk || chunk.isEntry || seen.has(fileName)) return seen;
          seen.add(fileName);
          for (const imported of chunk.imports) needs(imported, seen);
          return seen;
        };
        const map = PAGE_ROUTES.map(({ path, module }) => {
          const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(`/dashboard/src/pages/${module}.tsx`));
          if (!chunk) throw new Error(`no chunk for the page module ${module} (dashboard/src/routes.ts)`);
          // The largest first (the chart library): the browser asks for them in this order.
          const files = [...needs(chunk.fileName, new Set())].sort((a, b) => size(b) - size(a));
          return [routePathSource(path), files.map((f) => base + f)];
        });
        const script = `(function(m){for(var i=0;i<m.length;i++)if(new RegExp(m[i][0]).test(location.pathname))return m[i][1].forEach(function(f){var l=document.createElement('link');l.rel='modulepreload';l.crossOrigin='';l.href=f;document.head.appendChild(l)})})(${JSON.stringify(map)})`;
        const at = entry.index + entry[0].length;
        return `${html.slice(0, at)}\n    <script>${script}</script>${html.slice(at)}`;
      },
    },
  };
}

/**
 * index.html's session request (asked as the HTML is parsed) carries the page's first batch: /meta and the
 * settings' queries (dashboard/src/api/first-batch.ts), which the server answers with the session
 * (server/api/session.ts) while the app's code downloads, instead of in a round trip of their own once it has run.
 */
function sessionWithFirstBatch(): Plugin {
  const plain = "fetch('/api/session', { method: 'POST' })";
  return {
    name: 'revcycle:session-with-first-batch',
    transformIndexHtml(html) {
      if (!html.includes(plain)) throw new Error(`no session request (${plain}) in index.html to add the first batch to`);
      const withBatch = `fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(SESSION_WITH_FIRST_BATCH)} })`;
      return html.replace(plain, () => withBatch);
    },
  };
}

const apiTarget = process.env.REVCYCLE_API_URL ?? `http://localhost:${process.env.PORT ?? 4000}`;

export default defineConfig({
  root: 'dashboard',
  plugins: [react(), sessionWithFirstBatch(), preloadOpenedPage()],
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
    // One scratch directory for the run's shared builds (test/support/build-cache.ts); the projects inherit it.
    globalSetup: ['test/support/global-setup.ts'],
    // Both projects in one group of workers, in the order test/support/sequencer.ts gives (the serial files spread out).
    sequence: { sequencer },
    projects: [
      // Files that own their ports (port 0), temp directories and databases run side by side.
      {
        plugins: [react()],
        test: { ...testBase, name: 'parallel', exclude: [...testBase.exclude, ...SERIAL] },
      },
      // Files that time the machine, kill processes or fill it: one at a time, beside the parallel ones (with
      // REVCYCLE_TEST_SERIAL_AFTER=1, alone after all of them, as on a machine too loaded for their fixed waits).
      {
        plugins: [react()],
        test: {
          ...testBase,
          name: 'serial',
          include: SERIAL,
          setupFiles: ['test/support/one-at-a-time.ts'],
          ...(process.env.REVCYCLE_TEST_SERIAL_AFTER === '1' ? { maxWorkers: 1, sequence: { groupOrder: 1 } } : {}),
        },
      },
    ],
  },
});
