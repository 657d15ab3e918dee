/*
 * Setup file of the `serial` project (vite.config.ts): its files run one at a
 * time — each holds the run's `one-at-a-time` lock (test/support/build-cache.ts's
 * acquireLock) from before its first hook to after its last — but beside the
 * `parallel` project's files, not after all of them. They kill processes at an
 * exact phase, measure deadlines, fill the machine or take a free port and
 * release it before a child binds it: two of them together would disturb each
 * other; one of them beside files that own their ports and directories does
 * not. The order (test/support/sequencer.ts) spreads them over the run so a
 * worker seldom waits here.
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { acquireLock, cacheRoot } from './build-cache';

let release: (() => Promise<void>) | undefined;
beforeAll(async () => {
  const root = cacheRoot();
  if (root) release = await acquireLock(path.join(root, 'one-at-a-time.lock'));
  // as long as the other files of the group may take: the lock is handed on when each ends
}, 3_600_000);
afterAll(async () => {
  await release?.();
});
