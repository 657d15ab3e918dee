/*
 * Loads the canonical seed files (`<seedsDir>/<table>.csv` or `.csv.gz`) into
 * schema `raw` as all-VARCHAR tables, checking every row against
 * seed-schema.ts on the way.
 *
 * A row that cannot be read (wrong field count, malformed quoting, a value
 * that is not its column's type, an empty required value) is set aside, never
 * dropped silently: it goes to `raw.rejected_rows` and to a CSV report, and is
 * logged with file, line and column. A header without a contract column fails
 * the load, unless the column is optional (seed-schema.ts): it then loads
 * empty. Extra columns are kept.
 *
 * Speed (measured on 2 cores, 2 M touchpoint rows): csv-parse alone reads
 * about 300 k rows/s, which would make the 10 M-touchpoint benchmark set take
 * most of a minute. So the file is streamed in blocks cut at record
 * boundaries; a block without a quote character is split on newlines and
 * commas (for such text that is exactly what csv-parse returns), and every
 * block with a quote goes through csv-parse (record by record when the block
 * holds a malformed record, so the bad record is isolated with its line).
 * Accepted records are written to a plain temporary CSV that DuckDB's
 * parallel `read_csv` ingests with every column as VARCHAR in one statement
 * (about 40 % less CPU than the row or data-chunk appender here; one
 * statement per table also keeps the final checkpoint cheap).
 *
 * channels.csv and touch_types.csv may be left out: the bundled seeds/ copies
 * (the default 11 channels and 9 touch types) are loaded then.
 *
 * Limits: UTF-8 only; delimiter `,`, quote `"`; line numbers count physical
 * lines (a quoted newline advances them). A quote left open runs on to the
 * next quote, so the records in between are set aside as one malformed
 * record.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, writeFileSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parse as parseCsvSync, type Options } from 'csv-parse/sync';
import { SEED_TABLES, checkValue, isPlainIsoTime, type SeedTable } from './seed-schema.js';

export interface RejectedRow {
  table: string;
  file: string;
  line: number;
  column: string;
  value: string;
  reason: string;
  rawLine: string;
}

export interface LoadedTable {
  table: string;
  file: string;
  rows: number;
  rejectedRows: number;
  extraColumns: string[];
  ms: number;
  /** CSV report of this table's problems (one line per problem), when there were any. */
  rejectedReport?: string;
}

export interface LoadSeedsResult {
  tables: LoadedTable[];
  /** The first problems of each table (all of them are in raw.rejected_rows). */
  rejectedSample: RejectedRow[];
  rejectedTotal: number;
  /** sha256 over the seed files' bytes, in table order. */
  seedsHash: string;
}

export interface LoadSeedsOptions {
  /** Directory for temporary clean CSVs and the rejected-row reports (created, not removed). */
  workDir: string;
  /** Where the report of a table's rejected rows will finally live (for messages); default in workDir. */
  reportPath?: (table: string) => string;
  log?: (message: string) => void;
  /** How many set-aside rows to print per table before summarising the rest. */
  printLimit?: number;
  /** Paths in messages are shown relative to this directory when inside it. */
  displayRoot?: string;
}

export class SeedError extends Error {}

/** The project's own seeds/, whose reference tables stand in for ones a seed directory leaves out. */
const BUNDLED_SEEDS_DIR = fileURLToPath(new URL('../../seeds/', import.meta.url));
const BLOCK_LIMIT = 32 * 1024 * 1024;
const SAMPLE_PER_TABLE = 20;
const RAW_LINE_LIMIT = 10_000;

export function findSeedFile(seedsDir: string, table: string): string | undefined {
  const plain = path.join(seedsDir, `${table}.csv`);
  const gz = `${plain}.gz`;
  if (existsSync(plain) && existsSync(gz)) {
    throw new SeedError(`Both ${plain} and ${gz} exist: keep one of them`);
  }
  return existsSync(plain) ? plain : existsSync(gz) ? gz : undefined;
}

export function displayPath(file: string, root = process.cwd()): string {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Position of the last newline outside quotes (text starts at a record boundary); -1 if none. */
function lastRecordEnd(text: string): number {
  if (text.indexOf('"') < 0) return text.lastIndexOf('\n');
  let inQuotes = false;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10 && !inQuotes) last = i;
  }
  return last;
}

/** Splits text into records at newlines outside quotes, with each record's first line offset. */
function splitRecords(text: string): { text: string; lineOffset: number }[] {
  const out: { text: string; lineOffset: number }[] = [];
  let inQuotes = false;
  let start = 0;
  let line = 0;
  let startLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (c === 10) {
      line++;
      if (!inQuotes) {
        out.push({ text: text.slice(start, i), lineOffset: startLine });
        start = i + 1;
        startLine = line;
      }
    }
  }
  out.push({ text: text.slice(start), lineOffset: startLine });
  return out;
}

interface TableState {
  spec: SeedTable;
  shownFile: string;
  header: string[];
  checks: { index: number; name: string; type: SeedTable['columns'][number]['type']; required: boolean }[];
  rejects: WriteStream;
  rows: number;
  rejectedRows: number;
  problems: number;
  printed: number;
  sample: RejectedRow[];
  log: (message: string) => void;
  printLimit: number;
  timeZones: ReadonlySet<string>;
}

function setAside(state: TableState, line: number, column: string, value: string, reason: string, rawLine: string) {
  state.problems++;
  if (rawLine.length > RAW_LINE_LIMIT) rawLine = `${rawLine.slice(0, RAW_LINE_LIMIT)}…`;
  if (value.length > RAW_LINE_LIMIT) value = `${value.slice(0, RAW_LINE_LIMIT)}…`;
  const row: RejectedRow = { table: state.spec.name, file: state.shownFile, line, column, value, reason, rawLine };
  state.rejects.write([row.file, String(line), column, value, reason, rawLine].map(csvField).join(',') + '\n');
  if (state.sample.length < SAMPLE_PER_TABLE) state.sample.push(row);
  if (state.printed < state.printLimit) {
    state.printed++;
    const where = column ? ` column ${column}: ${JSON.stringify(value)}` : ':';
    state.log(`${state.shownFile} line ${line}${where} ${reason} (set aside)`);
  }
}

/** Checks one record; returns true when accepted. */
function checkRecord(state: TableState, fields: string[], line: number, rawLine: string): boolean {
  if (fields.length !== state.header.length) {
    setAside(state, line, '', '', `has ${fields.length} fields where the header has ${state.header.length}`, rawLine);
    state.rejectedRows++;
    return false;
  }
  let ok = true;
  for (const check of state.checks) {
    const value = fields[check.index]!;
    let reason: string | undefined;
    if (check.type === 'timestamp' && value.length === 25 && isPlainIsoTime(value)) continue;
    const trimmed = value.trim();
    if (trimmed === '') {
      if (check.required) reason = 'is empty but required';
    } else {
      reason = checkValue(check.type, trimmed);
    }
    if (reason) {
      setAside(state, line, check.name, value, reason, rawLine);
      ok = false;
    }
  }
  if (ok && state.spec.checkRow) {
    const row: Record<string, string> = {};
    state.header.forEach((name, i) => (row[name] = fields[i]!));
    const problem = state.spec.checkRow(row, { timeZones: state.timeZones });
    if (problem) {
      setAside(state, line, problem[0], row[problem[0]] ?? '', problem[1], rawLine);
      ok = false;
    }
  }
  if (!ok) state.rejectedRows++;
  return ok;
}

function parseQuoted(text: string, onRecord: (fields: string[], raw: string) => void): void {
  const options: Options = {
    relax_column_count: true,
    raw: true,
    skip_empty_lines: false,
    on_record: (rec: unknown) => {
      const { record, raw } = rec as { record: string[]; raw: string };
      onRecord(record, raw);
      return null;
    },
  };
  parseCsvSync(text, options);
}

function stripCr(fields: string[]): string[] {
  const last = fields.length - 1;
  if (last >= 0 && fields[last]!.endsWith('\r')) fields[last] = fields[last]!.slice(0, -1);
  return fields;
}

const isEmptyRecord = (fields: string[]) => fields.length === 1 && fields[0] === '';

/** Processes a block of whole records starting at physical line `firstLine`; returns the accepted CSV text. */
function processBlock(state: TableState, block: string, firstLine: number): string {
  if (block.indexOf('"') < 0) {
    const lines = block.split('\n');
    let allAccepted = block.indexOf('\r') < 0;
    const accepted: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      let text = lines[i]!;
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text === '') {
        allAccepted = false;
        continue;
      }
      if (checkRecord(state, text.split(','), firstLine + i, text)) {
        accepted.push(text);
        state.rows++;
      } else {
        allAccepted = false;
      }
    }
    if (allAccepted) return block + '\n';
    return accepted.length ? accepted.join('\n') + '\n' : '';
  }
  let records: { fields: string[]; raw: string; line: number }[] | undefined = [];
  try {
    let line = firstLine;
    parseQuoted(block, (fields, raw) => {
      records!.push({ fields, raw, line });
      line += countNewlines(raw);
    });
  } catch {
    records = undefined;
  }
  if (!records) {
    // A malformed record in the block: parse record by record so that only it is set aside.
    records = [];
    for (const record of splitRecords(block)) {
      const line = firstLine + record.lineOffset;
      try {
        let parsed: string[] | undefined;
        parseQuoted(record.text, (fields) => {
          if (parsed) throw new Error('more than one record');
          parsed = fields;
        });
        if (parsed) records.push({ fields: parsed, raw: record.text, line });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        setAside(state, line, '', '', `is not well-formed CSV (${message})`, record.text.replace(/\r?\n?$/, ''));
        state.rejectedRows++;
      }
    }
  }
  const accepted: string[] = [];
  for (const { fields, raw, line } of records) {
    stripCr(fields);
    if (isEmptyRecord(fields)) continue;
    if (checkRecord(state, fields, line, raw.replace(/\r?\n$/, ''))) {
      accepted.push(fields.map(csvField).join(','));
      state.rows++;
    }
  }
  return accepted.length ? accepted.join('\n') + '\n' : '';
}

function write(stream: WriteStream, text: string): Promise<void> | undefined {
  if (text === '' || stream.write(text)) return undefined;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(resolve);
  });
}

async function* decodedChunks(file: string, hash: Hash): AsyncGenerator<string> {
  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder('utf8');
  if (file.endsWith('.gz')) {
    source.on('data', (chunk) => hash.update(chunk as Buffer));
    const gunzip = source.pipe(createGunzip());
    source.on('error', (e) => gunzip.destroy(e));
    for await (const chunk of gunzip) yield decoder.write(chunk as Buffer);
  } else {
    for await (const chunk of source) {
      hash.update(chunk as Buffer);
      yield decoder.write(chunk as Buffer);
    }
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

function parseHeader(line: string, shownFile: string): string[] {
  let header: string[] = [];
  try {
    parseQuoted(line, (fields) => {
      if (header.length === 0) header = stripCr(fields);
    });
  } catch (e) {
    throw new SeedError(`${shownFile}: the header line is not well-formed CSV (${(e as Error).message})`);
  }
  return header.map((name) => name.trim());
}

function checkHeader(spec: SeedTable, header: string[], shownFile: string): void {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') throw new SeedError(`${shownFile}: header column ${i + 1} has no name`);
    if (seen.has(name)) throw new SeedError(`${shownFile}: header names column "${name}" twice`);
    seen.add(name);
  });
  const missing = spec.columns.filter((c) => !c.optional && !seen.has(c.name)).map((c) => c.name);
  if (missing.length) {
    throw new SeedError(
      `${shownFile}: the header has no column ${missing.map((m) => `"${m}"`).join(', ')}, ` +
        `which the contract requires for table ${spec.name} (header: ${header.join(', ')})`,
    );
  }
}

interface TableOptions {
  workDir: string;
  reportPath: (table: string) => string;
  log: (message: string) => void;
  printLimit: number;
  displayRoot: string;
  timeZones: ReadonlySet<string>;
}

interface ReadTable {
  spec: SeedTable;
  shownFile: string;
  cleanFile: string;
  rejectFile: string;
  state: TableState;
  started: number;
}

/** Reads, checks and writes the accepted rows of one seed file to a clean CSV (JavaScript only). */
async function readTable(spec: SeedTable, file: string, opts: TableOptions, hash: Hash): Promise<ReadTable> {
  const started = performance.now();
  const shownFile = displayPath(file, opts.displayRoot);
  const rejectFile = path.join(opts.workDir, `${spec.name}.rejected.csv`);
  const cleanFile = path.join(opts.workDir, `${spec.name}.clean.csv`);
  const out = createWriteStream(cleanFile);
  const rejects = createWriteStream(rejectFile);
  rejects.write('file,line,column,value,reason,raw_line\n');
  const start = (headerLine: string): TableState => {
    const header = parseHeader(headerLine, shownFile);
    checkHeader(spec, header, shownFile);
    return {
      spec,
      shownFile,
      header,
      checks: spec.columns
        .filter((c) => (c.type !== 'string' || c.required) && header.includes(c.name))
        .map((c) => ({ index: header.indexOf(c.name), name: c.name, type: c.type, required: c.required ?? false })),
      rejects,
      rows: 0,
      rejectedRows: 0,
      problems: 0,
      printed: 0,
      sample: [],
      log: opts.log,
      printLimit: opts.printLimit,
      timeZones: opts.timeZones,
    };
  };
  let state: TableState | undefined;
  let pending = '';
  let nextLine = 2;
  try {
    for await (const chunk of decodedChunks(file, hash)) {
      let text = pending + chunk;
      if (!state) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        const end = text.indexOf('\n');
        if (end < 0) {
          pending = text;
          continue;
        }
        state = start(text.slice(0, end));
        text = text.slice(end + 1);
      }
      let cut = lastRecordEnd(text);
      if (cut < 0 && text.length > BLOCK_LIMIT) cut = text.lastIndexOf('\n');
      if (cut < 0) {
        pending = text;
        continue;
      }
      const block = text.slice(0, cut);
      pending = text.slice(cut + 1);
      await write(out, processBlock(state, block, nextLine));
      nextLine += countNewlines(block) + 1;
    }
    if (!state) {
      if (pending.trim() === '') throw new SeedError(`${shownFile} is empty: it needs at least a header line`);
      state = start(pending);
      pending = '';
    }
    if (pending !== '') await write(out, processBlock(state, pending, nextLine));
  } finally {
    await closeStream(out);
    await closeStream(rejects);
  }
  const reportPath = opts.reportPath(spec.name);
  if (state.printed < state.problems) {
    opts.log(
      `${shownFile}: ${state.problems - state.printed} more problems set aside, listed in ` +
        `${displayPath(reportPath, opts.displayRoot)} and raw.rejected_rows`,
    );
  }
  return { spec, shownFile, cleanFile, rejectFile, state, started };
}

/** Ingests a table read by readTable into raw.<table> and its problems into raw.rejected_rows. */
async function ingestTable(
  conn: DuckDBConnection,
  read: ReadTable,
  workDir: string,
): Promise<{ loaded: LoadedTable; sample: RejectedRow[] }> {
  const { spec, shownFile, cleanFile, rejectFile, state, started } = read;
  // One statement per table: DuckDB writes it compressed as it goes. Appending
  // in several inserts instead made the final checkpoint rewrite the table.
  const columns = state.header.map((name) => `${quoteLiteral(name)}: 'VARCHAR'`).join(', ');
  await conn.run(
    `create table raw.${quoteIdent(spec.name)} as select * from read_csv(${quoteLiteral(cleanFile)}, ` +
      `columns = {${columns}}, header = false, auto_detect = false, delim = ',', quote = '"', ` +
      `escape = '"', new_line = '\\n', strict_mode = true, null_padding = false)`,
  );
  await rm(cleanFile, { force: true });
  // an optional column the header leaves out reads as empty on every row, so staging sees one shape
  for (const c of spec.columns.filter((c) => c.optional && !state.header.includes(c.name))) {
    await conn.run(`alter table raw.${quoteIdent(spec.name)} add column ${quoteIdent(c.name)} varchar`);
  }
  const counted = await conn.runAndReadAll(`select count(*) from raw.${quoteIdent(spec.name)}`);
  const loadedRows = Number(counted.getRows()[0]![0]);
  if (loadedRows !== state.rows) {
    throw new SeedError(`internal: ${shownFile} had ${state.rows} good rows but DuckDB read ${loadedRows}`);
  }
  let rejectedReport: string | undefined;
  if (state.problems > 0) {
    await conn.run(
      `insert into raw.rejected_rows select ${quoteLiteral(spec.name)}, * from read_csv(${quoteLiteral(rejectFile)}, ` +
        `header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', new_line = '\\n', ` +
        `columns = {'file': 'VARCHAR', 'line': 'BIGINT', 'column': 'VARCHAR', 'value': 'VARCHAR', ` +
        `'reason': 'VARCHAR', 'raw_line': 'VARCHAR'})`,
    );
    rejectedReport = path.join(workDir, `${spec.name}.csv`);
    await rename(rejectFile, rejectedReport);
  } else {
    await rm(rejectFile, { force: true });
  }
  const known = new Set(spec.columns.map((c) => c.name));
  return {
    loaded: {
      table: spec.name,
      file: shownFile,
      rows: state.rows,
      rejectedRows: state.rejectedRows,
      extraColumns: state.header.filter((h) => !known.has(h)),
      ms: Math.round(performance.now() - started),
      rejectedReport,
    },
    sample: state.sample,
  };
}

/**
 * Loads every canonical table from `seedsDir` into `raw.<table>` and creates
 * `raw.rejected_rows`. Throws SeedError when a file is missing or its header
 * lacks a contract column.
 */
export async function loadSeeds(conn: DuckDBConnection, seedsDir: string, options: LoadSeedsOptions): Promise<LoadSeedsResult> {
  const log = options.log ?? ((m: string) => console.log(m));
  const displayRoot = options.displayRoot ?? process.cwd();
  await mkdir(options.workDir, { recursive: true });
  const files = SEED_TABLES.map((spec) => {
    let file =
      findSeedFile(seedsDir, spec.name) ?? (spec.bundledDefault ? findSeedFile(BUNDLED_SEEDS_DIR, spec.name) : undefined);
    const given = file !== undefined;
    if (!file && spec.optional) {
      // an optional table left out loads as empty: a header-only file in the work directory
      file = path.join(options.workDir, `${spec.name}.empty.csv`);
      writeFileSync(file, `${spec.columns.map((c) => c.name).join(',')}\n`);
    }
    if (!file) {
      throw new SeedError(
        `${displayPath(path.join(seedsDir, `${spec.name}.csv`), displayRoot)} is missing ` +
          `(table ${spec.name} is part of the contract; an empty file with just the header is fine)`,
      );
    }
    return { spec, file, given };
  });
  await conn.run('create schema if not exists raw');
  await conn.run(
    'create table raw.rejected_rows (table_name varchar, file varchar, line bigint, column_name varchar, ' +
      'value varchar, reason varchar, raw_line varchar)',
  );
  const zones = await conn.runAndReadAll('select name from pg_timezone_names()');
  const timeZones = new Set(zones.getRows().map((r) => String(r[0])));
  const tableOptions: TableOptions = {
    workDir: options.workDir,
    reportPath: options.reportPath ?? ((t) => path.join(options.workDir, `${t}.csv`)),
    log,
    printLimit: options.printLimit ?? 20,
    displayRoot,
    timeZones,
  };
  // Measured: overlapping one table's ingest with the next table's reading gained nothing on 2 cores.
  const hashes = new Map<string, string>();
  const results = new Map<string, { loaded: LoadedTable; sample: RejectedRow[] }>();
  for (const { spec, file, given } of files) {
    const hash = createHash('sha256');
    const read = await readTable(spec, file, tableOptions, hash);
    hashes.set(spec.name, `${path.basename(file)} ${hash.digest('hex')}\n`);
    const result = await ingestTable(conn, read, options.workDir);
    if (!given) result.loaded.file = `${spec.name}.csv (not given: no rows)`;
    results.set(spec.name, result);
    log(`  raw.${spec.name}: ${result.loaded.rows.toLocaleString('en-US')} rows (${result.loaded.ms} ms)`);
  }
  const seedsHash = createHash('sha256');
  const tables: LoadedTable[] = [];
  const rejectedSample: RejectedRow[] = [];
  let rejectedTotal = 0;
  for (const { spec } of files) {
    seedsHash.update(hashes.get(spec.name)!);
    const result = results.get(spec.name)!;
    tables.push(result.loaded);
    rejectedSample.push(...result.sample);
    rejectedTotal += result.loaded.rejectedRows;
  }
  return { tables, rejectedSample, rejectedTotal, seedsHash: seedsHash.digest('hex') };
}
