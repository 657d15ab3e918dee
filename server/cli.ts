/*
 * revcycle's command line.
 *
 *   start            build the warehouse (if missing or older than the seeds
 *                    and models) and the dashboard (if missing or stale), then
 *                    serve API and dashboard on one port
 *   dev              the API server plus Vite with hot reload on :5173
 *   build-warehouse  rebuild the warehouse from the seeds (atomic swap)
 *   token            print an API token: --role executive|analyst|team|agency
 *                    [--team T] [--channels a,b] [--scopes meta,data] [--ttl S]
 *   import           bring your own data: import <source> <files…> (server/import/command.ts)
 *   report           the meeting pack's PDF: report --period FY2026 --out pack.pdf [--lang ja|en]
 *                    [--url <running server>] (server/report/pack-command.ts)
 *
 * `start` and `dev` check readiness before announcing the server: a
 * warehouse another process holds (DuckDB's file lock), or one that cannot
 * be opened, ends the process with a non-zero code and the reason.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, projectRoot, ConfigError, type Config } from './config.js';
import { signToken } from './auth.js';
import { claimsOfPrincipal, OWN_CLAIMS, principalFromClaims, ROLES } from './security/roles.js';
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
  const from = config.seedsFrom === 'import' ? ' (the latest import)' : '';
  console.log(`Building the warehouse from ${path.relative(projectRoot, config.seedsDir)}/${from} …`);
  const summary = await buildWarehouse({
    seedsDir: config.seedsDir,
    warehousePath: config.warehousePath,
    duckdb: config.duckdb,
    warehouseUrl: config.warehouseUrl,
    holdAt: config.buildHoldAt,
  });
  console.log(summary.report ?? `Warehouse ready: ${config.warehousePath}`);
}

async function ensureDashboard(config: Config) {
  const index = path.join(config.dashboardDist, 'index.html');
  const sources = path.join(projectRoot, 'dashboard');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(sources)) return;
  console.log('Building the dashboard …');
  const { build } = await import('vite');
  // Vite's build sets process.env.NODE_ENV to production in this process; the server started next must see the
  // environment it was given (Cube reads NODE_ENV: in production mode it would not build the warm-up's rollups).
  const nodeEnv = process.env.NODE_ENV;
  try {
    await build({ configFile: path.join(projectRoot, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

function printAccess(url: string, config: Config) {
  console.log(`\nrevcycle is running: ${url}`);
  console.log(`  dashboard   ${url}/`);
  console.log(`  REST API    ${url}/cubejs-api/v1/load   GraphQL ${url}/cubejs-api/graphql`);
  if (config.localDev) {
    const token = signToken(config.apiSecret, { sub: 'cli', role: 'executive' }, 24 * 3600, config.security);
    console.log(`  token (executive, 24h) ${token}`);
    console.log(`  e.g. curl -H "Authorization: Bearer ${token.slice(0, 12)}…" '${url}/cubejs-api/v1/meta'`);
  }
  console.log(
    '  tokens: npm run token -- --role executive|analyst|team|agency [--team east_team] [--channels seo,ads] --ttl 3600\n',
  );
}

/** Starts the server and waits until it can answer; exits non-zero with the reason when it cannot. */
async function startReady(config: Config, options: import('./app.js').StartOptions = {}) {
  const { startServer } = await import('./app.js');
  const server = await startServer(config, options);
  try {
    await server.cube.checkReady();
  } catch (e) {
    const message = (e as Error).message;
    const locked = /Could not set lock on file|Conflicting lock/i.test(message);
    console.error(
      locked
        ? `revcycle cannot start: the warehouse ${config.warehousePath} is locked by another process (DuckDB allows one writer; is another revcycle server running on it?).\n  ${message}`
        : `revcycle cannot start: the server is not ready: ${message}`,
    );
    await server.close().catch(() => undefined);
    process.exit(1);
  }
  return server;
}

async function main() {
  const [command = 'start', ...rest] = process.argv.slice(2);
  if (command === 'import') {
    const { importCommand } = await import('./import/command.js');
    process.exit(await importCommand(loadConfig(), rest));
  }
  if (command === 'report') {
    const { reportCommand } = await import('./report/pack-command.js');
    const config = loadConfig();
    process.exit(
      await reportCommand(config, rest, {
        ensureWarehouse: () => ensureWarehouse(config),
        startReady: (c) => startReady(c, { schedules: false }),
      }),
    );
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: 'string' },
      team: { type: 'string' },
      channels: { type: 'string' },
      scopes: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      force: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const config = loadConfig();
  switch (command) {
    case 'start': {
      await ensureWarehouse(config);
      await ensureDashboard(config);
      const server = await startReady(config);
      printAccess(server.url, config);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      break;
    }
    case 'dev': {
      await ensureWarehouse(config);
      const server = await startReady(config);
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
      // the server refuses a token living longer than its limit: say so here rather than print one it will refuse
      if (ttl > config.security.limits.maxTokenLifetimeSeconds) {
        throw new ConfigError(
          `--ttl ${ttl} exceeds the longest token lifetime the server accepts (${config.security.limits.maxTokenLifetimeSeconds} s, REVCYCLE_MAX_TOKEN_LIFETIME_SECONDS)`,
        );
      }
      if (!values.role)
        throw new ConfigError(`--role is required: one of ${ROLES.join(', ')} (team needs --team, agency needs --channels)`);
      const scopes = values.scopes
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      let principal;
      try {
        principal = principalFromClaims(
          { sub: 'cli', role: values.role, team: values.team, channels: values.channels, scopes },
          OWN_CLAIMS,
        );
      } catch (e) {
        throw new ConfigError((e as Error).message);
      }
      console.log(signToken(config.apiSecret, claimsOfPrincipal(principal), ttl, config.security));
      break;
    }
    default:
      throw new ConfigError(`Unknown command "${command}". Commands: start, dev, build-warehouse, token, import, report`);
  }
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `Configuration error: ${e.message}` : e);
  process.exit(1);
});
