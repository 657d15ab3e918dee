/*
 * The generic source's leads and touchpoints read by DuckDB: its CSV reader
 * parses the file on every core, and the checks every cell needs (an email's
 * form, a time in one of the built-in forms and its zone, ids, value maps)
 * run as SQL over the loaded rows. The rows it accepts stay in the import's
 * DuckDB database in the batch CSV's columns and nulls, which the merge reads
 * in the same database with the adapters' rows: it cannot tell the two apart.
 * In a zone of one offset (Asia/Tokyo) a file is checked by one statement
 * that writes the merge's own table of its entity (touches; people, whose
 * stage events are then read from it into theirs: batch.ts addTable, merged),
 * which the merge takes over: the rows are written once between the file's
 * raw table and the store. In a zone with daylight saving the checked rows
 * are kept in a table and read by one view per entity.
 *
 * SQL accepts only rows it is sure of: a row whose every cell is in a plain
 * form (ASCII ids, emails and times; a value map's known values) is written
 * by SQL; any other row (a missing or malformed value, a full-width id, a
 * Japanese date, an unknown stage, a possible report total line) is handed,
 * with its line and fields, to the same per-row reader the csv path uses
 * (generic.ts readers, Row in common.ts), which quarantines it or accepts it
 * exactly as before. So a bad row gets the same file, line, column and
 * reason on both paths, by construction.
 *
 * The whole file goes the csv path (read-csv.ts) when DuckDB cannot give
 * what that path gives: a file that is not UTF-8 (CP932, UTF-16 … are
 * decoded by iconv there), a header line other than the first, duplicate or
 * empty header names, any row DuckDB rejects (ragged, invalid UTF-8), line
 * numbers that do not follow from row numbers (blank lines, line breaks or
 * quotes inside fields), a luxon date_format, or more rows to hand back than
 * the csv path would cost.
 *
 * Times: offsets come from luxon per local hour (as dates.ts), computed in
 * JavaScript for the distinct hours only; an hour whose offset changes
 * inside it (a DST switch) sends its rows to the per-row reader.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DateTime, IANAZone } from 'luxon';
import type { FileReport } from '../batch.js';
import { ENTITY_COLUMNS, type Entity } from '../batch.js';
import type { TableSpec, ValueKind } from '../mapping.js';
import { detectFileEncoding, readHeader, recordItem } from '../read-csv.js';
import { fold } from '../text.js';
import { headerKey, takeItem, type ImportContext, type Row } from './common.js';

/** The tables read this way: the ones with millions of rows. The others are small and keep the csv path. */
export const FAST_TABLES = new Set(['leads', 'touchpoints']);

/** Rows handed back to the per-row reader beyond which the csv path is cheaper (it is then taken for the file). */
const HAND_BACK_LIMIT = 50_000;

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Whitespace JavaScript's trim() removes and SQL's trim below does not: such a cell goes to the per-row reader. */
const UNICODE_SPACE = '[\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]';
/** dates.ts LOCAL in its ASCII form (a non-ASCII time goes to the per-row reader, which folds it first). */
const LOCAL =
  '^(\\d{4})\\s*[-/.]\\s*(\\d{1,2})\\s*[-/.]\\s*(\\d{1,2})(?:(?:\\s+|T|\\s*)(\\d{1,2})\\s*:\\s*(\\d{1,2})\\s*(?::\\s*(\\d{1,2})?\\s*(?:\\.(\\d{1,9}))?\\s*)?)?$';
/** ISO 8601 with Z or an offset, whole seconds: the form luxon reads that is checked here; others go back. */
const ISO = '^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(Z|[+-]\\d{2}:\\d{2})$';
/** read-csv.ts TOTAL for an ASCII cell (its \\s spelled out: RE2's has no vertical tab). */
const TOTAL_ASCII =
  '(?i)(?:合計|小計|総計|総合計|計|grand[\\t\\n\\v\\f\\r ]*totals?|sub-?[\\t\\n\\v\\f\\r ]*totals?|totals?|record[\\t\\n\\v\\f\\r ]*count|レコード数|件数)(?:[\\t\\n\\v\\f\\r ]*[(（:：]?[\\t\\n\\v\\f\\r ]*[0-9,]*[\\t\\n\\v\\f\\r ]*(?:件|records?)?[\\t\\n\\v\\f\\r ]*[)）]?)';
/**
 * A non-ASCII first filled cell that could be a report total once NFKC-folded (read-csv.ts): one starting with a
 * letter TOTAL starts with, or with a character outside ASCII, kana and the unified ideographs (full-width forms,
 * compatibility characters). Such rows go to the per-row reader, which decides.
 */
const MAYBE_TOTAL = '^([gGsStTrR合小総計レ件]|[^\\x{00}-\\x{7F}\\x{3041}-\\x{30FF}\\x{4E00}-\\x{9FFF}])';

/**
 * Plain local-time forms strptime reads, each as an RE2 pattern that admits only values LOCAL reads the same way
 * (ASCII digits, year from 1000, no fraction): a value that matches none takes LOCAL's regexp.
 */
const FAST_LOCAL: [string, string][] = [
  ['[1-9]\\d{3}/\\d{1,2}/\\d{1,2} \\d{1,2}:\\d{1,2}', '%Y/%m/%d %H:%M'],
  ['[1-9]\\d{3}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}', '%Y-%m-%d %H:%M:%S'],
];

/** What jtrim (below) trims, at either end. */
const JTRIM = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/**
 * The zone's offset (ms) for the local hour `h` (hours since 1970 in wall-clock time), from luxon as dates.ts reads
 * a local time; undefined for an hour a DST switch cuts (its offset changes inside it, or its wall time does not
 * exist): its rows go back to dates.ts.
 */
function hourOffset(zone: string, h: number): number | undefined {
  const wall = new Date(h * 3_600_000);
  const at = (minute: number) =>
    DateTime.fromObject(
      { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute },
      { zone },
    );
  const start = at(0);
  return start.offset === at(59).offset && start.hour === wall.getUTCHours() ? start.offset * 60_000 : undefined;
}

/**
 * The zone's offset (ms) when it has kept one from 1970 to 2100 (luxon, every month's first day: Asia/Tokyo, UTC),
 * else undefined. Only a guess to read a file with: every hour that occurs is checked with hourOffset afterwards.
 */
function steadyOffset(zone: string): number | undefined {
  const z = IANAZone.create(zone);
  if (!z.isValid) return undefined;
  const first = z.offset(Date.UTC(1970, 0, 1));
  for (let year = 1970; year <= 2100; year++)
    for (let month = 0; month < 12; month++) if (z.offset(Date.UTC(year, month, 1)) !== first) return undefined;
  return first * 60_000;
}

/** SQL macros the checks use, created once per connection. */
const MACROS = [
  `create or replace macro jtrim(s) as trim(coalesce(s, ''), ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))`,
  `create or replace macro is_ascii(s) as strlen(s) = length(s)`,
  `create or replace macro month_days(y, m) as case when m = 2 then case when (y % 4 = 0 and y % 100 <> 0) or y % 400 = 0 then 29 else 28 end when m in (4, 6, 9, 11) then 30 else 31 end`,
  // Wall-clock milliseconds of a local time (x: regexp_extract of LOCAL); null unless dates.ts reads it the same way
  // (no fraction, year from 1000).
  `create or replace macro local_wall(x) as case when x['y'] <> '' and x['f'] = '' and try_cast(x['y'] as int) >= 1000 and try_cast(x['mo'] as int) between 1 and 12
      and try_cast(x['d'] as int) between 1 and month_days(try_cast(x['y'] as int), try_cast(x['mo'] as int)) and coalesce(try_cast(nullif(x['h'], '') as int), 0) <= 23
      and coalesce(try_cast(nullif(x['mi'], '') as int), 0) <= 59 and coalesce(try_cast(nullif(x['sec'], '') as int), 0) <= 59
      then epoch_ms(make_timestamp(try_cast(x['y'] as int), try_cast(x['mo'] as int), try_cast(x['d'] as int), coalesce(try_cast(nullif(x['h'], '') as int), 0), coalesce(try_cast(nullif(x['mi'], '') as int), 0), coalesce(try_cast(nullif(x['sec'], '') as int), 0)::double)) end`,
  // UTC milliseconds of an ISO time with Z or an offset (x: regexp_extract of ISO); null unless in the checked form.
  `create or replace macro iso_ms(x) as case when x['y'] <> '' and try_cast(x['y'] as int) >= 1000 and try_cast(x['mo'] as int) between 1 and 12
      and try_cast(x['d'] as int) between 1 and month_days(try_cast(x['y'] as int), try_cast(x['mo'] as int)) and try_cast(x['h'] as int) <= 23 and try_cast(x['mi'] as int) <= 59 and try_cast(x['sec'] as int) <= 59
      and (x['z'] = 'Z' or (try_cast(x['z'][2:3] as int) <= 14 and try_cast(x['z'][5:6] as int) <= 59))
      then epoch_ms(make_timestamp(try_cast(x['y'] as int), try_cast(x['mo'] as int), try_cast(x['d'] as int), try_cast(x['h'] as int), try_cast(x['mi'] as int), try_cast(x['sec'] as int)::double))
        - case when x['z'] = 'Z' then 0 else (case when x['z'][1] = '-' then -1 else 1 end) * (try_cast(x['z'][2:3] as int) * 60 + try_cast(x['z'][5:6] as int)) * 60000 end end`,
  // dates.ts iso(): seconds, milliseconds only when there are some.
  `create or replace macro iso_text(ms) as strftime(epoch_ms(ms), '%Y-%m-%dT%H:%M:%S') || case when ms % 1000 <> 0 then '.' || lpad((ms % 1000)::varchar, 3, '0') else '' end || 'Z'`,
];

/**
 * What the bytes of a file (decompressed for .gz) say about its rows: line feeds, carriage returns, quote marks,
 * and the bytes of its header line that are neither. With the values DuckDB read, they show whether DuckDB saw
 * exactly the fields the csv reader sees (read()).
 */
async function byteCounts(
  file: string,
): Promise<{ bytes: number; lf: number; cr: number; quotes: number; header: number; bom: boolean }> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = file.toLowerCase().endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const c = { bytes: 0, lf: 0, cr: 0, quotes: 0, header: -1, bom: false };
  let first = true;
  // Buffer.indexOf counts in native code: a byte loop in JavaScript cost about a CPU-second per 150 MB.
  const countOf = (chunk: Buffer, byte: number, end = chunk.length) => {
    let n = 0;
    for (let i = chunk.indexOf(byte); i >= 0 && i < end; i = chunk.indexOf(byte, i + 1)) n++;
    return n;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (first) c.bom = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
    first = false;
    if (c.header < 0) {
      const i = chunk.indexOf(10);
      if (i >= 0) c.header = c.bytes + i - c.cr - c.quotes - countOf(chunk, 13, i) - countOf(chunk, 34, i) - (c.bom ? 3 : 0);
    }
    c.lf += countOf(chunk, 10);
    c.cr += countOf(chunk, 13);
    c.quotes += countOf(chunk, 34);
    c.bytes += chunk.length;
  }
  return c;
}

/** An entity's batch columns as the batch CSV reads them: VARCHAR, '' as null. */
const batchColumns = (entity: Entity) => ENTITY_COLUMNS[entity].map((c) => `nullif("${c}"::varchar, '') as "${c}"`).join(', ');

/** The DuckDB side of the generic adapter, in the import's database (ImportContext.db). */
export class FastReader {
  private ready = false;
  private files = 0;

  constructor(private readonly ctx: ImportContext) {}

  private async connection(): Promise<DuckDBConnection> {
    const conn = this.ctx.db;
    if (!this.ready) {
      await conn.run(`set TimeZone = 'UTC'`);
      for (const m of MACROS) await conn.run(m);
      this.ready = true;
    }
    return conn;
  }

  /**
   * Reads `file` as `table` if DuckDB can give what the csv path gives; false (nothing written, nothing counted)
   * when the file must take the csv path.
   */
  async read(file: string, table: string, spec: TableSpec, onRow: (row: Row) => void): Promise<boolean> {
    const ctx = this.ctx;
    if (ctx.csvOnly || !FAST_TABLES.has(table) || (spec.header_line ?? 1) !== 1 || ctx.mapping?.date_format) return false;
    if (ctx.encoding !== 'utf8' && !(ctx.encoding === 'auto' && (await detectFileEncoding(file)) === 'utf8')) return false;
    const { header } = await readHeader(file, 'utf8');
    if (!header.length || header.some((h) => h === '') || new Set(header).size !== header.length) return false;
    const conn = await this.connection();
    const n = this.files++;
    const raw = `raw_${n}`;
    const cols = header.map((_, i) => `c${i}`);
    // rowid is the row's place in the file (its line, below): this table is made in the order rows were read,
    // whatever the database's setting for the rest (index.ts turns it off).
    const [order] = (await conn.runAndReadAll(`select current_setting('preserve_insertion_order')`)).getRows()[0]!;
    try {
      await conn.run(`set preserve_insertion_order = true`);
      await conn.run(
        `create or replace table ${raw} as select * from read_csv(${sql(file)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
          columns = {${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}, store_rejects = true, rejects_table = 'rej_${n}', rejects_scan = 'rejscan_${n}')`,
      );
    } catch {
      return false;
    } finally {
      await conn.run(`set preserve_insertion_order = ${order === false ? 'false' : 'true'}`);
    }
    const one = async (q: string) => (await conn.runAndReadAll(q)).getRows()[0]!;
    const [rejects] = await one(`select count(*) from rej_${n}`);
    if (Number(rejects)) {
      await conn.run(`drop table ${raw}`);
      return false;
    }
    const display = ctx.display(file);
    // In a zone with one offset (Asia/Tokyo) the file is checked in one statement whose rows are the merge's own
    // table of its entity (batch.ts addTable, merged): every row with its checks' outcome, the rows to hand back
    // deleted below; a lead's events are then read from that table into theirs. In a zone with DST the checked rows
    // are kept in s_<n> and read by one view per entity.
    let plan = new Plan(ctx, header, spec, table, n);
    const steady = steadyOffset(ctx.dates.zone);
    let direct = steady === undefined ? undefined : ctx.batch.tableName(plan.outputs()[0]![0]);
    await plan.prepare(conn, raw, steady);
    const times = plan.times();
    // The direct table's columns beside the merge's: the checks' outcome, each time's local hour, the value of each
    // map that meets values it does not know (t_<n>'s, before the map), and what a lead's events read.
    const flags = ['_clean', '_break', '_bytes', '_max_ms', ...times.map((t) => `_h_${t}`)];
    const extra = [
      ...flags.map((f) => [f, f]),
      ...plan.unknownMaps().map((m) => [`t_${n}.${m} as _raw_${m}`, `_raw_${m}`]),
      ...plan.carried().map((c) => [c, c]),
    ];
    if (direct) {
      const [[entity, select]] = plan.outputs('', extra.map(([e]) => `, ${e}`).join(''));
      await conn.run(
        `create or replace table ${direct} as select ${batchColumns(entity)}, ${sql(display)} as _file, _line::bigint as _line, true as _new, ${extra.map(([, name]) => name).join(', ')} from (${select}) as o`,
      );
      // Every local hour that occurs has the offset the rows took (a time before 1970 may not): else the file is
      // checked again the other way.
      const [lists] = await one(
        `select flatten([${times.map((t) => `list(distinct _h_${t}) filter (where _h_${t} is not null)`).join(', ')}]) from ${direct}`,
      );
      const hours = [...new Set(((lists ?? { items: [] }) as { items: unknown[] }).items.map(Number))];
      if (hours.some((h) => hourOffset(ctx.dates.zone, h) !== steady)) {
        await conn.run(`drop table ${direct}`);
        for (const object of plan.scratch) await conn.run(`drop ${object}`);
        direct = undefined;
        plan = new Plan(ctx, header, spec, table, n);
        await plan.prepare(conn, raw);
      }
    }
    const outputs = plan.outputs();
    const drop = async () => {
      await conn.run(`drop table ${raw}`);
      if (direct) await conn.run(`drop table ${direct}`);
      for (const object of plan.scratch) await conn.run(`drop ${object}`);
    };
    // Every count the read needs, in one pass over the checked rows (t_<n> is a view: each pass computes its joins):
    // those that decide whether DuckDB saw the csv reader's fields (below), the rows to hand back, the accepted
    // rows, their latest time and the batch rows of each entity.
    const counts = await one(
      `select count(*), count(*) filter (where _break), coalesce(sum(_bytes), 0), count(*) filter (where not _clean), count(*) filter (where _clean), max(_max_ms) filter (where _clean),
        ${outputs.map(([, , rows]) => rows).join(', ')} from ${direct ?? `t_${n}`}`,
    );
    const [rows, breaks, valueBytes, handBack, clean, maxMs] = counts;
    // line = row + 2 holds when the file has one line feed per row (blank lines and line breaks inside fields break it),
    // and DuckDB saw the csv reader's fields when every byte is a value's, a delimiter's, a quote's or a line end's
    // (a row with extra empty fields at its end, which DuckDB lets pass, breaks that).
    const b = Number(breaks) ? undefined : await byteCounts(file);
    const content = b && b.bytes - b.lf - b.cr - b.quotes - (b.bom ? 3 : 0) - b.header;
    if (
      !b ||
      (b.lf !== Number(rows) + 1 && b.lf !== Number(rows)) ||
      content !== Number(valueBytes) + Number(rows) * (cols.length - 1) ||
      Number(handBack) > HAND_BACK_LIMIT
    ) {
      await drop();
      return false;
    }

    const report: FileReport = { file: display, kind: table, encoding: 'utf8', rows: 0, reader: 'duckdb' };
    ctx.batch.files.push(report);
    // Accepted by SQL: written as batch rows, counted, their times taken into the data's latest time.
    const fileId = ctx.batch.fileId(display);
    report.rows += Number(clean);
    ctx.batch.read += Number(clean);
    if (maxMs !== null && Number(maxMs) > ctx.dates.maxMs) ctx.dates.maxMs = Number(maxMs);
    await plan.noteUnmapped(conn, direct);
    // Handed back: the per-row reader decides, as on the csv path.
    const folded = new Map(header.map((h) => [headerKey(h), h]));
    const back = Number(handBack)
      ? (
          await conn.runAndReadAll(
            `select t._line, ${cols.map((c) => `r.${c}`).join(', ')} from ${direct ?? `t_${n}`} as t join ${raw} as r on r.rowid = t._line - 2 where not t._clean order by t._line`,
          )
        ).getRows()
      : [];
    if (direct) {
      const [[entity], second] = outputs;
      if (second) {
        const events = ctx.batch.tableName(second[0]);
        await conn.run(
          `create or replace table ${events} as select ${batchColumns(second[0])}, ${sql(display)} as _file, _line::bigint as _line, true as _new
           from (${plan.events(direct, 'person_key', 'created_at')}) as o`,
        );
        ctx.batch.addTable(second[0], events, Number(counts[7]), true);
      }
      if (Number(handBack)) await conn.run(`delete from ${direct} where not _clean`);
      // The checks' columns go: the table is now in the merge's columns.
      for (const [, column] of extra) await conn.run(`alter table ${direct} drop column ${column}`);
      ctx.batch.addTable(entity!, direct, Number(counts[6]), true);
    } else {
      // Batch rows as views over t_<n> in the database the merge runs in, in the columns the batch CSV reads as
      // (VARCHAR, '' as null): the merge's own table of the entity is the first copy made of them.
      for (const [i, [entity, select]] of outputs.entries()) {
        const count = Number(counts[6 + i]);
        if (!count) continue;
        const view = ctx.batch.tableName(entity);
        await conn.run(
          `create or replace view ${view} as select ${batchColumns(entity)}, ${sql(String(fileId))} as _file, _line::bigint as _line from (${select}) as o`,
        );
        ctx.batch.addTable(entity, view, count);
      }
    }
    for (const r of back) {
      const item = recordItem(
        Number(r[0]),
        r.slice(1).map((v) => (v === null ? '' : String(v))),
        header,
        'utf8',
      );
      if (item) takeItem(ctx, report, folded, item, onRow);
    }
    ctx.onProgress?.(display, 1, 1);
    await conn.run(`drop table ${raw}`);
    ctx.batch.scratch.push(...plan.scratch);
    return true;
  }
}

/** The SQL of one file: each canonical column's source column, its check and its normalised value. */
class Plan {
  private readonly maps: { name: string; kind: ValueKind | 'owner_team'; column: string; table: string }[] = [];
  /** What prepare() made (`view x`, `table x`), to be dropped once the merge has its own copy of the rows. */
  readonly scratch: string[] = [];
  /** The maps that meet values they do not know (prepare()). */
  private readonly unknown: string[] = [];
  constructor(
    private readonly ctx: ImportContext,
    private readonly header: string[],
    private readonly spec: TableSpec,
    private readonly table: string,
    private readonly n: number,
  ) {}

  /**
   * The stage events of the accepted leads of `from`: t_<n> (the person's key `pk`, its creation time `createdAt`),
   * or the leads read into the merge's form (person_key, created_at), which carries t_<n>'s carried() columns.
   */
  events(from: string, pk: string, createdAt: string): string {
    const src = sql(this.ctx.source);
    return [
      ...Object.keys(this.spec.stage_dates).map(
        (stage, i) =>
          `select ${src} as source, ${pk} || ${sql(`:${stage}`)} as event_key, ${pk} as person_key, null as from_stage, ${sql(stage)} as to_stage,
            iso_text(sd${i}_ms) as entered_at, null as reason, null as is_initial, 'true' as from_record, _line from ${from} where _clean and sd${i}_ms is not null`,
      ),
      // The stage it shows (a known one mapped to something), else it entered the funnel when created.
      `select ${src} as source, ${pk} || case when stage_out is not null then ':initial' else ':created' end as event_key,
        ${pk} as person_key, null as from_stage, coalesce(stage_out, 'lead') as to_stage, ${createdAt} as entered_at,
        case when stage_out is null then 'created' end as reason, case when stage_out is not null then 'true' end as is_initial,
        'true' as from_record, _line
        from ${from} where _clean`,
    ].join(' union all ');
  }

  /** The columns of t_<n> the second entity's rows (a lead's events) read beside the first's (events()). */
  carried(): string[] {
    return this.table === 'leads' ? ['stage_out', ...Object.keys(this.spec.stage_dates).map((_, i) => `sd${i}_ms`)] : [];
  }

  /** The names of the times t_<n> reads (prepare()). */
  times(): string[] {
    return this.timeNames;
  }
  private readonly timeNames: string[] = [];

  /** The maps (their column in t_<n>) that meet a value they do not know: the rows' own value is kept to count them. */
  unknownMaps(): string[] {
    return this.unknown;
  }

  /** The DuckDB column of a source column (Row.col: as written, else case and width folded), or undefined. */
  private source(name: string): string | undefined {
    let i = this.header.indexOf(name);
    if (i < 0) i = this.header.findIndex((h) => headerKey(h) === headerKey(name));
    return i < 0 ? undefined : `c${i}`;
  }
  /** A source column's value trimmed (read-csv.ts), '' when the file has no such column (Row.get). */
  private cell(name: string): string {
    const c = this.source(name);
    return c ? `t${c.slice(1)}` : `''`;
  }
  private v(canonical: string): string {
    return this.cell(this.columnName(canonical));
  }
  private columnName(canonical: string): string {
    return this.spec.columns[canonical] ?? canonical;
  }

  /**
   * Builds t_<n>: the raw values, the normalised ones, and _clean (every check passed as SQL can tell); a view over
   * s_<n> (the parsed values) and the small tables of zone offsets and value maps, read once for the counts and
   * once by the merge, rather than a table written once more. With `steady` (the zone's one offset, steadyOffset),
   * s_<n> is a view too and every local time takes that offset: t_<n> is then read once, into the entity's table
   * (FastReader.read), and t_<n> gives each time's local hour (_h_<time>) for that table to be checked against luxon.
   */
  async prepare(conn: DuckDBConnection, raw: string, steady?: number) {
    const kind = steady === undefined ? 'table' : 'view';
    const asOf = Number.isFinite(this.ctx.asOfMs) ? String(this.ctx.asOfMs) : null;
    const select: string[] = [];
    // Checks of the parsed values alone, computed once into s_<n> (_ok: the email's regexp is not run again by each
    // read of t_<n>), and those that need a time's zone offset, made in t_<n>.
    const clean: string[] = [];
    const cleanTimes: string[] = [];
    const times = this.timeNames;
    const idKey = (canonical: string, name: string) => {
      select.push(`${this.v(canonical)} as ${name}`);
      clean.push(`is_ascii(${name})`);
    };
    const email = (name: string, required: boolean) => {
      select.push(`lower(${this.v('email')}) as ${name}`);
      clean.push(
        `${required ? `${name} <> '' and ` : `${name} = '' or `}(is_ascii(${name}) and regexp_full_match(${name}, '[^ \\t\\n\\v\\f\\r@]+@[^ \\t\\n\\v\\f\\r@]+\\.[^ \\t\\n\\v\\f\\r@]+'))`,
      );
    };
    const time = (column: string, name: string, required: boolean) => {
      const v = `${name}_raw`;
      const parts = (re: string, names: string) =>
        `case when ${v} <> '' and is_ascii(${v}) then regexp_extract(${v}, ${sql(re)}, [${names}]) end`;
      // The common plain forms read by strptime (it refuses what LOCAL's checks refuse: a 30 February, 24:00);
      // LOCAL's regexp, whose captures cost several times more, runs only on the other values.
      const fast = FAST_LOCAL.map(
        ([re, format]) => `when regexp_full_match(${v}, ${sql(re)}) then epoch_ms(try_strptime(${v}, ${sql(format)}))`,
      );
      select.push(
        `${this.cell(column)} as ${v}`,
        `case ${fast.join(' ')} end as ${name}_fast`,
        `case when ${name}_fast is null then ${parts(LOCAL, "'y', 'mo', 'd', 'h', 'mi', 'sec', 'f'")} end as ${name}_lx`,
        // Only a value with a T can be ISO: the other regexp is not run on the rest.
        `case when contains(${v}, 'T') then ${parts(ISO, "'y', 'mo', 'd', 'h', 'mi', 'sec', 'z'")} end as ${name}_ix`,
        // Only a value of 13 bytes can be 13 ASCII digits: the regexp is not run on the rest.
        `case when strlen(${v}) = 13 then case when regexp_full_match(${v}, '\\d{13}') then ${v}::bigint end end as ${name}_epoch`,
      );
      times.push(name);
      cleanTimes.push(`(${required ? 'false' : `${name}_blank`} or ${name}_ms is not null)`);
    };
    const mapped = (canonical: string, name: string, kind: ValueKind | 'owner_team', required: boolean) => {
      select.push(`${this.v(canonical)} as ${name}`);
      this.maps.push({ name, kind, column: this.columnName(canonical), table: `m_${this.n}_${name}` });
      if (required) clean.push(`${name} <> ''`);
    };
    // Where the per-row reader would stop or take another branch, the row is handed back: not _clean.
    if (this.table === 'leads') {
      idKey('lead_id', 'lead_id');
      email('email', true);
      time(this.columnName('created_at'), 'created_at', true);
      // stage_dates name source columns directly.
      Object.values(this.spec.stage_dates).forEach((column, i) => time(column, `sd${i}`, false));
      mapped('stage', 'stage', 'stages', false);
      idKey('account_id', 'account_id');
      time(this.columnName('updated_at'), 'updated_at', false);
      mapped('lead_source', 'lead_source', 'channels', false);
      mapped('owner_team', 'owner_team', 'owner_team', false);
      select.push(`${this.v('company_name')} as company_name`, `${this.v('persona')} as persona`);
    } else {
      idKey('lead_id', 'lead_id');
      email('email', false);
      clean.push(`(lead_id <> '' or email <> '')`);
      time(this.columnName('occurred_at'), 'occurred_at', true);
      mapped('channel', 'channel', 'channels', true);
      idKey('campaign_id', 'campaign_id');
      mapped('touch_type', 'touch_type', 'touch_types', false);
      idKey('touchpoint_id', 'touchpoint_id');
    }
    const cols = this.header.map((_, i) => `c${i}`);
    const all = `concat_ws(chr(1), ${cols.map((c) => `coalesce(${c}, '')`).join(', ')})`;
    // t<i>: cell i trimmed as read-csv.ts trims. Trimming costs as much as a regexp per cell, so only a row with a
    // cell that starts or ends with white space (_pad: one regexp over the row; ASCII or Unicode) is trimmed.
    const trimmed = cols.map((c, i) => `case when _pad then jtrim(${c}) else coalesce(${c}, '') end as t${i}`);
    const filled = `coalesce(${cols.map((_, i) => `nullif(t${i}, '')`).join(', ')})`;
    const space = `[\\t\\n\\v\\f\\r ]|${UNICODE_SPACE}`;
    // Projections nested so that each costly value (the row's text, a time's regexp captures) is computed once:
    // a macro repeats its argument, and over a regexp it would run the regexp per use.
    const rows = `(select *, coalesce(${filled}, '') as _first from (select *, ${trimmed.join(', ')}
        from (select *, regexp_matches(_all, '(^|\\x01)(${space})|(${space})(\\x01|$)') as _pad
          from (select rowid as _rid, *, ${all} as _all from ${raw}))))`;
    // _break: a value holding a line end or a quote mark (contains: a byte search, cheaper than a regexp); _bytes: the
    // bytes of the row's values (_all holds them and one separator between each two).
    // The raw cells are not kept: a row handed back reads them from the raw table by its rowid (_line - 2). Computing
    // these columns costs more than writing them (3 M touchpoints: about 2.7 CPU-s computed, 3.4 s written).
    const parsed = `(select _rid + 2 as _line, ${select.join(', ')},
        contains(_all, chr(10)) or contains(_all, chr(13)) or contains(_all, '"') as _break, strlen(_all) - ${cols.length - 1} as _bytes,
        -- a report line (read-csv.ts reportLine), a cell JavaScript trims differently, U+FFFD: the per-row reader decides
        not ((_pad and not is_ascii(_all) and regexp_matches(_all, '(^|\\x01)${UNICODE_SPACE}|${UNICODE_SPACE}(\\x01|$)'))
          or (not is_ascii(_all) and contains(_all, '\uFFFD'))
          or (is_ascii(_first) and regexp_full_match(_first, ${sql(TOTAL_ASCII)}))
          or (not is_ascii(_first) and regexp_matches(_first, ${sql(MAYBE_TOTAL)}))
          ${
            cols.length > 1
              ? `or (${cols
                  .slice(1)
                  .map((_, i) => `t${i + 1} = ''`)
                  .join(' and ')})`
              : ''
          }) as _plain
        from ${rows})`;
    const ok = `coalesce(${['_plain', ...clean].map((c) => `(${c})`).join(' and ')}, false) as _ok`;
    await conn.run(
      times.length
        ? `create or replace ${kind} s_${this.n} as select * exclude (_plain, ${times.map((t) => `${t}_raw, ${t}_fast, ${t}_lx, ${t}_ix`).join(', ')}),
            ${times.map((t) => `${t}_raw = '' as ${t}_blank, coalesce(${t}_fast, local_wall(${t}_lx)) as ${t}_wall, iso_ms(${t}_ix) as ${t}_iso`).join(', ')}, ${ok} from ${parsed}`
        : `create or replace ${kind} s_${this.n} as select * exclude (_plain), ${ok} from ${parsed}`,
    );
    const hour = (wall: string) => `floor(${wall} / 3600000)::bigint`;
    const listed = (v: unknown) => ((v ?? { items: [] }) as { items: unknown[] }).items;
    let fixed: string | undefined;
    if (steady !== undefined) {
      // The values each map meets, from the raw cells (a view's every read would compute the checks again): a cell's
      // value in t_<n> is the raw one trimmed as jtrim trims (a row with other padding is handed back).
      const seen = (
        await conn.runAndReadAll(
          `select ${[...this.maps.map((m) => `list(distinct ${this.source(m.column) ?? 'null'})`), 'null'].join(', ')} from ${raw}`,
        )
      ).getRows()[0]!;
      for (const [i, m] of this.maps.entries())
        await this.mapTable(
          conn,
          m,
          [...new Set(listed(seen[i]).map((v) => String(v).replace(JTRIM, '')))].filter((v) => v !== ''),
        );
      fixed = String(steady);
    } else {
      // Zone offsets per local hour, from luxon (dates.ts), for the hours that occur, and the values each map meets:
      // one pass over s_<n>.
      const seen = (
        await conn.runAndReadAll(
          `select ${[
            ...times.map((t) => `list(distinct ${hour(`${t}_wall`)}) filter (where ${t}_wall is not null)`),
            ...this.maps.map((m) => `list(distinct ${m.name}) filter (where ${m.name} <> '')`),
            'null',
          ].join(', ')} from s_${this.n}`,
        )
      ).getRows()[0]!;
      const hours = [...new Set(times.flatMap((_, i) => listed(seen[i]).map(Number)))];
      await conn.run(`create or replace table z_${this.n} (h bigint, offset_ms bigint)`);
      this.scratch.push(`table z_${this.n}`);
      const values: string[] = [];
      for (const h of hours) {
        const offset = hourOffset(this.ctx.dates.zone, h);
        if (offset !== undefined) values.push(`(${h}, ${offset})`);
      }
      for (let i = 0; i < values.length; i += 1000)
        await conn.run(`insert into z_${this.n} values ${values.slice(i, i + 1000).join(', ')}`);
      for (const [i, m] of this.maps.entries()) await this.mapTable(conn, m, listed(seen[times.length + i]).map(String));
      // One offset for every hour that occurs (a zone without DST, or data within one season): no join per time.
      const offsets = new Set(values.map((v) => v.slice(v.indexOf(',') + 2, -1)));
      fixed = values.length === hours.length && offsets.size === 1 ? [...offsets][0] : undefined;
    }
    const joins = [
      ...(fixed ? [] : times.map((t) => `left join z_${this.n} as z_${t} on z_${t}.h = ${hour(`s.${t}_wall`)}`)),
      ...this.maps.map((m) => `left join ${m.table} as ${m.table} on ${m.table}.raw = s.${m.name}`),
    ];
    const msOf = (t: string) =>
      `case when s.${t}_wall is not null then s.${t}_wall - (${fixed ?? `z_${t}.offset_ms`}) else coalesce(s.${t}_iso, s.${t}_epoch) end`;
    const timeCols = times.map((t) => `${msOf(t)} as ${t}_ms`);
    const mapCols = this.maps.map((m) => `${m.table}.out as ${m.name}_out, ${m.table}.known as ${m.name}_known`);
    const required = this.maps
      .filter((m) => m.kind === 'stages' || (m.kind === 'channels' && this.table === 'touchpoints'))
      .map((m) =>
        // A required map (touch channel) needs a known value that maps to something; a lead's stage only a known one.
        this.table === 'touchpoints' && m.name === 'channel'
          ? `${m.name}_out is not null`
          : `(${m.name} = '' or ${m.name}_known)`,
      );
    const beyond = asOf ? times.map((t) => `coalesce(${t}_ms, 0) <= ${asOf}`) : [];
    await conn.run(
      `create or replace view t_${this.n} as
       with m as (select s.*, ${[...timeCols, ...mapCols].join(', ')} from s_${this.n} as s ${joins.join(' ')})
       -- What only the checks read is not kept: t_<n> is the table the batch views, the counts and the hand-back read.
       select * exclude (_ok, ${[...times.flatMap((t) => [`${t}_blank`, `${t}_wall`, `${t}_iso`, `${t}_epoch`]), ...this.maps.map((m) => `${m.name}_known`)].join(', ')}),
         coalesce(${['_ok', ...cleanTimes, ...required, ...beyond].map((c) => `(${c})`).join(' and ')}, false) as _clean,
         greatest(${times.map((t) => `${t}_ms`).join(', ')}) as _max_ms${steady === undefined ? '' : times.map((t) => `, ${hour(`${t}_wall`)} as _h_${t}`).join('')}
       from m`,
    );
    this.scratch.push(`view t_${this.n}`, `${kind} s_${this.n}`, ...this.maps.map((m) => `table ${m.table}`));
  }

  /** A value map over the distinct values of one column, from the adapter's own ValueMap (mapping.ts). */
  private async mapTable(
    conn: DuckDBConnection,
    m: { name: string; kind: ValueKind | 'owner_team'; column: string; table: string },
    values: string[],
  ) {
    await conn.run(`create or replace table ${m.table} (raw varchar, out varchar, known boolean, suggestion varchar)`);
    const rows: string[] = [];
    let unknown = false;
    for (const raw of values) {
      if (m.kind === 'owner_team') {
        // Row.ownerTeam: an owner the map does not name is kept as its own team.
        const v = this.ctx.maps.owner_teams.get(raw);
        const note = v === undefined && m.column !== 'owner_team';
        unknown ||= note;
        rows.push(
          `(${sql(raw)}, ${sql(v === undefined ? fold(raw) : (v ?? ''))}, ${!note}, ${sql(`add "${raw}: <team>" under owner_teams: in a mapping file given with --mapping`)})`,
        );
      } else {
        const map = this.ctx.maps[m.kind];
        const v = map.get(raw);
        unknown ||= v === undefined;
        rows.push(
          `(${sql(raw)}, ${v == null ? 'null' : sql(v)}, ${v !== undefined}, ${v === undefined ? sql(map.suggest(raw)) : 'null'})`,
        );
      }
    }
    for (let i = 0; i < rows.length; i += 1000)
      await conn.run(`insert into ${m.table} values ${rows.slice(i, i + 1000).join(', ')}`);
    if (unknown) this.unknown.push(m.name);
  }

  /**
   * Unmapped values of the rows SQL accepted, counted per value as Row.mapped notes them; over `direct` (the
   * entity's table, holding each such map's value as _raw_<map>) when the file was read into one.
   */
  async noteUnmapped(conn: DuckDBConnection, direct?: string) {
    // Most maps know every value the file holds: then there is nothing to count.
    for (const m of this.maps.filter((x) => this.unknown.includes(x.name))) {
      const kind = m.kind === 'owner_team' ? 'owner_teams' : m.kind;
      const value = direct ? `_raw_${m.name}` : m.name;
      const rows = await conn.runAndReadAll(
        `select t.${value}, count(*), any_value(z.suggestion) from ${direct ?? `t_${this.n}`} as t join ${m.table} as z on z.raw = t.${value} where t._clean and not z.known group by 1 order by 1`,
      );
      for (const [value, count, suggestion] of rows.getRows())
        this.ctx.batch.noteUnmapped(kind, String(value), String(suggestion), Number(count));
    }
  }

  /**
   * Per entity, the SELECT of the batch rows the accepted rows give (generic.ts readers, the same values), and the
   * aggregate over t_<n> that counts them. `where` and `extra` replace the first entity's filter of accepted rows and
   * add columns of t_<n> to it (its rows read into the merge's form: FastReader.read).
   */
  outputs(where = 'where _clean', extra = ''): [Entity, string, string][] {
    const src = sql(this.ctx.source);
    const t = `t_${this.n}`;
    const key = (c: string) => `case when ${c} <> '' then ${src} || ':' || ${c} end`;
    const accepted = `count(*) filter (where _clean)`;
    if (this.table === 'leads') {
      const pk = `coalesce(${key('lead_id')}, ${src} || ':' || email)`;
      return [
        [
          'people',
          `select ${src} as source, ${pk} as person_key, email, ${key('account_id')} as account_key, company_name,
            iso_text(created_at_ms) as created_at, iso_text(updated_at_ms) as updated_at, lead_source_out as lead_source, persona,
            owner_team_out as owner_team, _line${extra} from ${t} ${where}`,
          accepted,
        ],
        [
          'events',
          this.events(t, pk, 'iso_text(created_at_ms)'),
          [
            accepted,
            ...Object.keys(this.spec.stage_dates).map((_, i) => `count(*) filter (where _clean and sd${i}_ms is not null)`),
          ].join(' + '),
        ],
      ];
    }
    const person = `coalesce(${key('lead_id')}, 'email:' || email)`;
    return [
      [
        'touches',
        `select ${src} as source,
          coalesce(${key('touchpoint_id')}, ${person} || ':' || iso_text(occurred_at_ms) || ':' || channel_out || ':' || coalesce(${key('campaign_id')}, '')) as touch_key,
          ${person} as person_key, iso_text(occurred_at_ms) as occurred_at, channel_out as channel, ${key('campaign_id')} as campaign_key,
          touch_type_out as touch_type, _line${extra} from ${t} ${where}`,
        accepted,
      ],
    ];
  }
}
