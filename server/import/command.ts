/*
 * `npm run import -- <source> <files or folders…> [--mapping file.yml]
 * [--dry-run] [--allow-rejects] [--as-of ISO] [--time-zone Zone] [--incremental]`: runs one
 * import with a progress bar (cli-progress, on a terminal, for files over
 * 5 MB) and prints the summary. Exit codes: 0 imported, 1 rows quarantined
 * (nothing imported unless --allow-rejects), 2 bad input (unknown source,
 * unreadable mapping, unrecognised file). The warehouse is built in full;
 * --incremental updates it from the one it replaces instead
 * (server/warehouse/incremental.ts; not yet faster, docs/import.md).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import type { Config } from '../config.js';
import { ImportInputError, MappingError, runImport, SOURCES } from './index.js';

const USAGE = `usage: npm run import -- <${Object.keys(SOURCES).join('|')}> <files or folders…> [--mapping file.yml] [--dry-run] [--allow-rejects] [--as-of 2026-11-30T00:00:00Z] [--time-zone Asia/Tokyo] [--incremental]`;
const PROGRESS_MIN_BYTES = 5 << 20;

export async function importCommand(config: Config, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        mapping: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'allow-rejects': { type: 'boolean', default: false },
        'as-of': { type: 'string' },
        'time-zone': { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        incremental: { type: 'boolean', default: false },
      },
      allowPositionals: true,
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const [source, ...inputs] = parsed.positionals;
  if (!source || !inputs.length) {
    console.error(USAGE);
    return 2;
  }
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: '{file} [{bar}] {percentage}% {value}/{total} MB', stream: process.stderr, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let current = '';
  try {
    const result = await runImport({
      source,
      inputs,
      mappingFile: parsed.values.mapping,
      dryRun: parsed.values['dry-run'],
      allowRejects: parsed.values['allow-rejects'],
      asOf: parsed.values['as-of'],
      timeZone: parsed.values['time-zone'],
      build: !parsed.values['no-build'],
      incremental: parsed.values.incremental,
      importsDir: config.importsDir,
      warehousePath: config.warehousePath,
      holdAt: config.importHoldAt,
      defaultsDir: config.bundledSeedsDir,
      log: (line) => console.log(line),
      onProgress: bar
        ? (file, bytes, total) => {
            if (total < PROGRESS_MIN_BYTES) return;
            const mb = (n: number) => Math.round(n / 1e5) / 10;
            if (file !== current) {
              if (current) bar.stop();
              current = file;
              bar.start(mb(total), 0, { file: path.basename(file) });
            }
            bar.update(mb(bytes));
          }
        : undefined,
    });
    if (current) bar?.stop();
    console.log(result.summary);
    if (result.manifest.status === 'dry-run') {
      console.log(`mapping in force: ${JSON.stringify(result.manifest.run.mapping, null, 2)}`);
    }
    return result.exitCode;
  } catch (e) {
    if (current) bar?.stop();
    if (e instanceof ImportInputError || e instanceof MappingError) {
      console.error(`import: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
