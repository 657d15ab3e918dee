/*
 * A process the global setup starts at the beginning of a whole run
 * (test/support/global-setup.ts), so the builds most files wait for are under
 * way before the first file asks:
 *   node --import tsx test/support/prebuild-main.ts dashboard|shared
 * `dashboard` makes the run's dashboard build, `shared` the bundled seeds'
 * warehouse with its rollups and the run's shared server
 * (test/support/shared-server.ts), in the scratch directory
 * REVCYCLE_TEST_CACHE_DIR. Two processes, so the two builds overlap (in one
 * process Vite's NODE_ENV=production would reach the rollups' server). Each
 * build holds the build cache's lock (test/support/build-cache.ts): a file that
 * asks meanwhile waits for it, and one that asks after a failure here builds it
 * again itself and reports the error.
 */
import { cachedDashboard } from './build-cache';
import { sharedServer } from './shared-server';

const what = process.argv[2];
if (what === 'dashboard') await cachedDashboard();
else if (what === 'shared') await sharedServer();
else throw new Error('usage: prebuild-main.ts dashboard|shared');
