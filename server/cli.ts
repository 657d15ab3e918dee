/*
 * revcycle's command line.
 *
 *   start            build the warehouse (if missing or older than the seeds
 *                    and models) and the dashboard (if missing or stale), then
 *                    serve API and dashboard on one port
 *   dev              the API server plus Vite with hot reload on :5173
 *   build-warehouse  rebuild the warehouse from the seeds (atomic swap)
 *   token            print a Cube API token: --team T, --scopes a,b, --ttl S
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, projectRoot, ConfigError, type Config } from './config.js';
import { signToken } from './auth.js';
import { buildWarehouse, isWarehouseStale } from './warehouse/index.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

async function ensureWarehouse(config: Config, force = false) {
  // A PostgreSQL warehouse is shared by several processes: only `build-warehouse` (or a scheduler) rebuilds it.
  if (config.warehouseUrl && !force) return;
  if (!force && !(await isWarehouseStale(config.seedsDir, config.warehousePath))) return;
  console.log(`Building the warehouse from ${path.relative(projectRoot, config.seedsDir)}/ …`);
  const summary = await buildWarehouse({ seedsDir: config.seedsDir, warehousePath: config.warehousePath, warehouseUrl: config.warehouseUrl });
  console.log(summary.report ?? `Warehouse ready: ${config.warehousePath}`);
}

async function ensureDashboard(config: Config) {
  const index = path.join(config.dashboardDist, 'index.html');
  const sources = path.join(projectRoot, 'dashboard');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(sources)) return;
  console.log('Building the dashboard …');
  const { build } = await import('vite');
  await build({ configFile: path.join(projectRoot, 'vite.config.ts'), logLevel: 'warn' });
}

function printAccess(url: string, config: Config) {
  const token = signToken(config.apiSecret, { sub: 'cli' }, 24 * 3600);
  console.log(`\nrevcycle is running: ${url}`);
  console.log(`  dashboard   ${url}/`);
  console.log(`  REST API    ${url}/cubejs-api/v1/load   GraphQL ${url}/cubejs-api/graphql`);
  console.log(`  token (24h) ${token}`);
  console.log(`  e.g. curl -H "Authorization: ${token.slice(0, 12)}…" '${url}/cubejs-api/v1/meta'`);
  console.log('  more tokens: npm run token [-- --team east_team --ttl 3600]\n');
}

async function main() {
  const [command = 'start', ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      team: { type: 'string' },
      scopes: { type: 'string' },
      ttl: { type: 'string', default: '86400' },
      force: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const config = loadConfig();
  switch (command) {
    case 'start': {
      await ensureWarehouse(config);
      await ensureDashboard(config);
      const { startServer } = await import('./app.js');
      const server = await startServer(config);
      printAccess(server.url, config);
      const stop = async () => { await server.close(); process.exit(0); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      break;
    }
    case 'dev': {
      await ensureWarehouse(config);
      const { startServer } = await import('./app.js');
      const server = await startServer(config);
      const { createServer } = await import('vite');
      const vite = await createServer({ configFile: path.join(projectRoot, 'vite.config.ts') });
      await vite.listen();
      printAccess(server.url, config);
      vite.printUrls();
      break;
    }
    case 'build-warehouse':
      await ensureWarehouse(config, true);
      break;
    case 'token': {
      const ttl = Number(values.ttl);
      if (!Number.isInteger(ttl) || ttl <= 0) throw new ConfigError('--ttl must be a positive number of seconds');
      const scopes = values.scopes?.split(',').map((s) => s.trim()).filter(Boolean);
      console.log(signToken(config.apiSecret, { sub: 'cli', team: values.team, scopes }, ttl));
      break;
    }
    default:
      throw new ConfigError(`Unknown command "${command}". Commands: start, dev, build-warehouse, token`);
  }
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `Configuration error: ${e.message}` : e);
  process.exit(1);
});
