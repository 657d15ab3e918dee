/*
 * One process of the cluster (cluster.ts): the revcycle server as an API
 * instance, or as Cube's refresh worker when CUBEJS_REFRESH_WORKER=true.
 * Everything else comes from the environment (server/config.ts).
 */
import { loadConfig } from '../config.js';
import { startServer } from '../app.js';

const config = loadConfig();
const server = await startServer(config);
console.log(`${config.refreshWorker ? 'refresh worker' : 'API instance'} ready on ${server.url}`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
