/*
 * npm run report -- --period FY2026 --out pack.pdf [--lang ja|en] [--url http://localhost:4000]
 *
 * Writes the meeting pack's PDF. Without --url it works as `npm start`
 * does: builds the warehouse if it is missing or stale, starts the server
 * in this process on a free port (schedules off, no dashboard), reads the
 * figures through its API and stops it. With --url it reads them from a
 * server already running (DuckDB lets one process open the warehouse: a
 * second server on the same file would be refused), with a token signed by
 * the local API secret. --period: a key (FY2026, FY2026-Q3, 2026-11) or
 * month, quarter, year (the one holding as-of; default year).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signToken } from '../auth.js';
import { ConfigError, loopbackUrl, type Config } from '../config.js';
import { ActionStore } from '../api/actions.js';
import { isPackPeriod, PACK_LANGUAGES, type PackLanguage } from '../contract/meeting-pack.js';
import { cubeLoaderWith } from '../deliver/cube-load.js';
import type { RunningServer } from '../app.js';
import { collectPack, PackInputError } from './pack-data.js';
import { renderPackPdf } from './pack-pdf.js';

export interface ReportDeps {
  ensureWarehouse(): Promise<void>;
  startReady(config: Config): Promise<RunningServer>;
}

export async function reportCommand(config: Config, args: string[], deps: ReportDeps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      period: { type: 'string', default: 'year' },
      out: { type: 'string', default: 'pack.pdf' },
      lang: { type: 'string' },
      url: { type: 'string' },
    },
  });
  const period = values.period!;
  if (!isPackPeriod(period))
    throw new ConfigError(`--period "${period}": give FY2026, FY2026-Q3, 2026-11, or month, quarter or year`);
  if (values.lang !== undefined && !(PACK_LANGUAGES as readonly string[]).includes(values.lang))
    throw new ConfigError(`--lang "${values.lang}": ja or en`);
  let server: RunningServer | undefined;
  let url = values.url?.replace(/\/$/, '');
  if (!url) {
    await deps.ensureWarehouse();
    console.log('Starting the server to read the figures …');
    server = await deps.startReady({ ...config, port: 0 });
    url = loopbackUrl(server.port);
  }
  try {
    const token = () => signToken(config.apiSecret, { sub: 'revcycle-report', role: 'executive' }, 600, config.security);
    const pack = await collectPack(cubeLoaderWith(url, token), {
      period,
      lang: values.lang as PackLanguage | undefined,
      actions: await new ActionStore(config.stateDir).list(),
    });
    const pdf = await renderPackPdf(pack);
    const out = path.resolve(values.out!);
    await writeFile(out, pdf);
    console.log(`Meeting pack ${pack.period.key} (${pack.lang}) written to ${out} (${(pdf.length / 1024).toFixed(0)} KB)`);
    return 0;
  } catch (e) {
    if (e instanceof PackInputError) throw new ConfigError(e.message);
    throw e;
  } finally {
    await server?.close();
  }
}
