/*
 * Setup file of the `serial` project (vite.config.ts): its files run one at a
 * time — each holds the run's `one-at-a-time` lock (test/support/build-cache.ts's
 * acquireLock) from before its first hook to after its last — but beside the
 * `parallel` project's files, not after all of them. They wait on the wall
 * clock (a build slow enough to be killed mid-way, seconds of load, deadlines,
 * deliveries due at a time) or run a cluster of processes (vite.config.ts,
 * SERIAL): two of them together would disturb each other; one of them beside
 * files that own their ports and directories does not. The order (test/support/sequencer.ts) spreads them over the run so a
 * worker seldom waits here. Nor do they start while the run's one-off builds
 * (test/support/prebuild-main.ts, `prebuild-*.pid`) fill the machine: their
 * child processes have fixed times to start in (a server over a fixture in
 * 120 s), which a 20 000-lead build beside them on two cores can exceed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { acquireLock, alive, cacheRoot } from './build-cache';

let release: (() => Promise<void>) | undefined;
beforeAll(async () => {
  const root = cacheRoot();
  if (!root) return;
  release = await acquireLock(path.join(root, 'one-at-a-time.lock'));
  const prebuilds = readdirSync(root)
    .filter((name) => /^prebuild-.*\.pid$/.test(name))
    .map((name) => Number(readFileSync(path.join(root, name), 'utf8')));
  while (prebuilds.some(alive)) await new Promise((r) => setTimeout(r, 500));
  // as long as the other files of the group may take: the lock is handed on when each ends
}, 3_600_000);
afterAll(async () => {
  await release?.();
});
