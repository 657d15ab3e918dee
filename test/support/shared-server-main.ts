/*
 * The process of the run's shared test server (test/support/shared-server.ts):
 *   node --import tsx test/support/shared-server-main.ts DIR RUN_DIR RUN_PID [FIXTURE]
 * starts the real server with the shared settings over DIR's warehouse and
 * dashboard (or a hand-made FIXTURE's model: sharedServerConfig), writes DIR/server.json ({ url, native }) once it answers, and stops on
 * SIGTERM, or when the run's scratch directory RUN_DIR or the Vitest process
 * RUN_PID is gone (a run that was killed leaves no server behind).
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../../server/app';
import { sharedServerConfig, type SharedFixture } from './shared-server';
import { alive } from './process-alive';

const [dir, runDir, runPid, fixture] = process.argv.slice(2);
if (!dir || !runDir || !runPid) throw new Error('usage: shared-server-main.ts DIR RUN_DIR RUN_PID [FIXTURE]');

const server = await startServer(sharedServerConfig(dir, fixture as SharedFixture | undefined));
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
setInterval(() => {
  if (!existsSync(runDir) || !alive(Number(runPid))) void stop();
}, 2_000).unref();

const tmp = path.join(dir, 'server.json.tmp');
writeFileSync(tmp, JSON.stringify({ url: server.url, native: server.cube.runtime.native }));
renameSync(tmp, path.join(dir, 'server.json'));
