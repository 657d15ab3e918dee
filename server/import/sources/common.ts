/*
 * What every source adapter shares: the import context (batch, dates in the
 * source's zone, value maps, as_of) and a per-row reader whose helpers
 * (`time`, `email`, `mapped`, `amount` …) normalise one cell each and, on the
 * first cell that cannot be used, put the whole row in quarantine with file,
 * line, column, value and reason. A row is either accepted whole or
 * quarantined whole; the caller checks `row.rejected` before writing.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { Batch, type Entity, type EntityRow, type FileReport, type Origin } from '../batch.js';
import { DateReader } from '../dates.js';
import { lookupKey, ValueMap, type MappingFile, type ValueKind } from '../mapping.js';
import { readCsv, type CsvItem } from '../read-csv.js';
import { corporateNumber, fold, normaliseEmail, parseAmount, type TextEncoding } from '../text.js';
import {
  ALL_STAGES,
  DEAL_STATUSES as VOCABULARY_DEAL_STATUSES,
  DEAL_TYPES as VOCABULARY_DEAL_TYPES,
  DEFAULT_CHANNELS,
  TOUCH_TYPES,
} from '../../contract/vocabulary.js';

// The canonical values an import maps onto: the contract's vocabulary (server/contract/vocabulary.ts).
export const CANONICAL_STAGES: string[] = [...ALL_STAGES];
export const CANONICAL_CHANNELS: string[] = [...DEFAULT_CHANNELS];
export const CANONICAL_TOUCH_TYPES: string[] = [...TOUCH_TYPES];
export const DEAL_TYPES: string[] = [...VOCABULARY_DEAL_TYPES];
export const DEAL_STATUSES: string[] = [...VOCABULARY_DEAL_STATUSES];

export interface SourceDefaults {
  stages?: Record<string, string | null>;
  channels?: Record<string, string | null>;
  deal_types?: Record<string, string | null>;
  touch_types?: Record<string, string | null>;
  deal_status?: Record<string, string | null>;
  owner_teams?: Record<string, string | null>;
}

export interface ImportContext {
  /** Source name; prefixes every source key (`hubspot:123`). */
  source: string;
  batch: Batch;
  dates: DateReader;
  asOf: string;
  asOfMs: number;
  maps: Record<ValueKind, ValueMap>;
  mapping?: MappingFile;
  defaultOwnerTeam: string;
  encoding: TextEncoding | 'auto';
  /** Bytes read so far of the current file; for the progress bar. */
  onProgress?: (file: string, bytes: number, total: number) => void;
  /** Files as the user named them, for messages: the path relative to the working directory. */
  display(file: string): string;
  /** Extra stage and channel names the target accepts (from the mapping's new_channels). */
  channels: string[];
  /** Every file through the csv reader, none through DuckDB (sources/generic-fast.ts): tests compare the two. */
  csvOnly?: boolean;
  /**
   * The import's DuckDB database (in memory, spilling to the work directory): the DuckDB reader checks rows in it
   * and leaves its batch tables there for the merge, which runs in the same database (index.ts).
   */
  db: DuckDBConnection;
}

export function buildMaps(
  defaults: SourceDefaults,
  mapping: MappingFile | undefined,
  channels: string[],
  stages: string[],
  /** Every source's defaults: values vendors define, the only ground for a suggestion. */
  known: SourceDefaults[] = [],
): Record<ValueKind, ValueMap> {
  const m = mapping;
  const maps: Record<ValueKind, ValueMap> = {
    stages: new ValueMap('stages', stages, defaults.stages ?? {}, m?.stages ?? {}),
    channels: new ValueMap('channels', channels, defaults.channels ?? {}, m?.channels ?? {}),
    deal_types: new ValueMap('deal_types', DEAL_TYPES, defaults.deal_types ?? {}, m?.deal_types ?? {}),
    touch_types: new ValueMap('touch_types', CANONICAL_TOUCH_TYPES, defaults.touch_types ?? {}, m?.touch_types ?? {}),
    deal_status: new ValueMap('deal_status', DEAL_STATUSES, defaults.deal_status ?? {}, m?.deal_status ?? {}),
    owner_teams: new ValueMap('owner_teams', [], defaults.owner_teams ?? {}, m?.owner_teams ?? {}),
  };
  for (const [kind, map] of Object.entries(maps) as [ValueKind, ValueMap][]) {
    // A value two vendors define differently proves nothing: it is not suggested.
    const meanings = new Map<string, Set<string | null>>();
    for (const source of known)
      for (const [value, canonical] of Object.entries(source[kind] ?? {}))
        (meanings.get(lookupKey(value)) ?? meanings.set(lookupKey(value), new Set()).get(lookupKey(value))!).add(canonical);
    for (const [key, set] of meanings) if (set.size === 1) map.known.set(key, [...set][0]!);
  }
  return maps;
}

/**
 * A stage event read from the person's own row, not from a history row (`from_record`: a re-import of the row
 * replaces every such event, so a changed value map leaves none stale behind; merge.ts). `name` tells it apart
 * within the person: the stage for a stage-date column; `initial` for the stage the record shows at creation
 * (`initial: true`, replaced by the first history change's old value when history exists); `created` for a lead
 * since creation (`createdAsLead`).
 */
export function addRecordEvent(
  ctx: ImportContext,
  r: Row,
  personKey: string,
  event: { name: string; stage: string | null | undefined; at: string | undefined; reason?: string; initial?: boolean },
): void {
  r.add('events', {
    event_key: `${personKey}:${event.name}`,
    person_key: personKey,
    to_stage: event.stage,
    entered_at: event.at,
    reason: event.reason,
    is_initial: event.initial ? 'true' : undefined,
    from_record: 'true',
  });
}

/** A person whose source says no stage entered the funnel as a lead when it was created (docs/import.md). */
export const createdAsLead = (ctx: ImportContext, r: Row, personKey: string, createdAt: string | undefined): void =>
  addRecordEvent(ctx, r, personKey, { name: 'created', stage: 'lead', at: createdAt, reason: 'created' });

/** How a header is compared: NFKC, case and spaces ignored ("Lead ID", "LEADID", "リード ID", "リードＩＤ" meet). */
export const headerKey = (h: string): string => h.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/** One source row being read: cell helpers that normalise or quarantine. */
export class Row {
  rejected = false;
  constructor(
    private readonly ctx: ImportContext,
    readonly values: Record<string, string>,
    readonly origin: Origin,
    /** headerKey(header) → header as written (Data Loader writes CREATEDDATE; Japanese labels come as リード ID or リードID). */
    private readonly folded?: Map<string, string>,
  ) {}

  /** The first of `columns` present in the file (exports rename columns between versions; case ignored), or undefined. */
  col(...columns: string[]): string | undefined {
    for (const c of columns) if (c in this.values) return c;
    if (this.folded) {
      for (const c of columns) {
        const hit = this.folded.get(headerKey(c));
        if (hit !== undefined) return hit;
      }
    }
    return undefined;
  }

  /** The trimmed value of the first present column ('' when none is present or it is empty). */
  get(...columns: string[]): string {
    const c = this.col(...columns);
    return c === undefined ? '' : this.values[c]!;
  }

  /** Quarantines the whole row, under its first unusable value (later ones are not reported). */
  reject(column: string, value: string, reason: string, suggestion = '') {
    if (this.rejected) return;
    this.rejected = true;
    this.note(column, value, reason, suggestion);
  }

  /** Adds a row of `entity` read from this one: the source and this row's origin (file, line) go with it. */
  add<E extends Entity>(entity: E, row: Omit<EntityRow<E>, 'source'>): void {
    this.ctx.batch.add(entity, { source: this.ctx.source, ...row } as EntityRow<E>, this.origin);
  }

  /** Quarantines one value of the row (a touch, a stage date) while the rest of the row is kept. */
  note(column: string, value: string, reason: string, suggestion = '') {
    this.ctx.batch.reject({
      source: this.ctx.source,
      file: this.origin.file,
      line: this.origin.line,
      column,
      value,
      reason,
      suggestion,
    });
  }

  /** A mapped value that only this part of the row needs: unknown → quarantined as a note, undefined returned. */
  softMapped(kind: ValueKind, column: string, what: string): string | null | undefined {
    const raw = this.get(column);
    if (raw === '') return undefined;
    const map = this.ctx.maps[kind];
    const v = map.get(raw);
    if (v === undefined) {
      const suggestion = map.suggest(raw);
      this.ctx.batch.noteUnmapped(kind, raw, suggestion);
      this.note(column, raw, `unknown ${kind.replace(/s$/, '').replace('_', ' ')} "${raw}" (${what} not imported)`, suggestion);
    }
    return v;
  }

  /** A time that only part of the row needs: unreadable or beyond as_of → quarantined as a note, undefined returned. */
  softTime(column: string): string | undefined {
    const raw = this.get(column);
    if (raw === '') return undefined;
    const t = this.ctx.dates.read(raw);
    if (!t) {
      const why = this.ctx.dates.explain(raw);
      this.note(column, raw, why.reason, why.suggestion);
    } else if (Date.parse(t) > this.ctx.asOfMs)
      this.note(column, raw, `date beyond as_of (${this.ctx.asOf})`, 'export again or pass a later --as-of');
    else return t;
    return undefined;
  }

  /** A required value; quarantines the row when it is empty. */
  required(...columns: string[]): string {
    const v = this.get(...columns);
    if (v === '') this.reject(this.col(...columns) ?? columns[0]!, '', `missing ${columns[0]}`);
    return v;
  }

  /** A source id, NFKC-folded (full-width ＡＢ１２ → AB12), prefixed with the source. */
  key(column: string | string[], opts: { required?: boolean } = {}): string | undefined {
    const cols = Array.isArray(column) ? column : [column];
    const v = fold(opts.required ? this.required(...cols) : this.get(...cols));
    return v === '' ? undefined : `${this.ctx.source}:${v}`;
  }

  email(...columns: string[]): string | undefined {
    const raw = this.get(...columns);
    const col = this.col(...columns) ?? columns[0]!;
    if (raw === '') {
      this.reject(col, '', 'missing email (the lead key)');
      return undefined;
    }
    const email = normaliseEmail(raw);
    if (!email) this.reject(col, raw, 'malformed email');
    return email;
  }

  /** A time in UTC ISO; quarantines when unreadable, or after as_of. */
  time(columns: string | string[], opts: { required?: boolean } = {}): string | undefined {
    const cols = Array.isArray(columns) ? columns : [columns];
    const col = this.col(...cols) ?? cols[0]!;
    const raw = this.get(...cols);
    if (raw === '') {
      if (opts.required) this.reject(col, '', `missing ${cols[0]}`);
      return undefined;
    }
    const t = this.ctx.dates.read(raw);
    if (!t) {
      const why = this.ctx.dates.explain(raw);
      this.reject(col, raw, why.reason, why.suggestion);
      return undefined;
    }
    if (this.ctx.dates.lastMs > this.ctx.asOfMs) {
      this.reject(col, raw, `date beyond as_of (${this.ctx.asOf})`, 'export again or pass a later --as-of');
      return undefined;
    }
    return t;
  }

  /** A mapped value; unknown values quarantine the row when `required`, else are noted and left empty. */
  mapped(kind: ValueKind, column: string | string[], opts: { required?: boolean; raw?: string } = {}): string | null | undefined {
    const cols = Array.isArray(column) ? column : [column];
    const col = this.col(...cols) ?? cols[0]!;
    const raw = opts.raw ?? this.get(...cols);
    if (raw === '') {
      if (opts.required) this.reject(col, '', `missing ${cols[0]}`);
      return undefined;
    }
    const map = this.ctx.maps[kind];
    const v = map.get(raw);
    if (v === undefined) {
      const suggestion = map.suggest(raw);
      this.ctx.batch.noteUnmapped(kind, raw, suggestion);
      if (opts.required) this.reject(col, raw, `unknown ${kind.replace(/s$/, '').replace('_', ' ')} "${raw}"`, suggestion);
    }
    return v;
  }

  /** An ISO 4217 currency code (upper-cased), undefined when the column is absent or empty; anything else quarantines the row. */
  currency(...columns: string[]): string | undefined {
    const raw = this.get(...columns);
    if (raw === '') return undefined;
    const v = fold(raw).toUpperCase();
    if (!/^[A-Z]{3}$/.test(v))
      this.reject(this.col(...columns)!, raw, 'unreadable currency (an ISO 4217 code such as JPY or USD)');
    return v;
  }

  /** An integer amount; negative or unreadable quarantines the row. */
  amount(...columns: string[]): number | undefined {
    const raw = this.get(...columns);
    if (raw === '') return undefined;
    const col = this.col(...columns)!;
    const n = parseAmount(raw);
    if (n === undefined) this.reject(col, raw, 'unreadable amount');
    else if (n < 0) this.reject(col, raw, 'negative amount');
    return n;
  }

  /**
   * The owner's team through owner_teams; an owner the map does not name is
   * kept as its own team and listed as unmapped ('' when empty: the merge then
   * takes the account's team, else the default).
   */
  ownerTeam(...columns: string[]): string {
    const raw = this.get(...columns);
    if (raw === '') return '';
    const v = this.ctx.maps.owner_teams.get(raw);
    if (v === undefined && !columns.includes('owner_team')) {
      this.ctx.batch.noteUnmapped(
        'owner_teams',
        raw,
        `add "${raw}: <team>" under owner_teams: in a mapping file given with --mapping`,
      );
    }
    return v === undefined ? fold(raw) : (v ?? '');
  }
}

/**
 * Reads every row of `file`, hands accepted rows to `onRow`; ragged and
 * undecodable rows go to quarantine. Counts rows read per file.
 */
export async function eachRow(
  ctx: ImportContext,
  file: string,
  kind: string,
  onRow: (row: Row) => void,
  opts: { footer?: RegExp; headerLine?: number } = {},
): Promise<void> {
  const display = ctx.display(file);
  const report: FileReport = { file: display, kind, encoding: '', rows: 0 };
  ctx.batch.files.push(report);
  let total = 0;
  let folded: Map<string, string> | undefined;
  await readCsv(
    file,
    {
      encoding: ctx.encoding,
      footer: opts.footer,
      headerLine: opts.headerLine,
      onInfo: (info) => {
        report.encoding = info.encoding;
        total = info.bytes;
        folded = new Map(info.header.map((h) => [headerKey(h), h]));
      },
      onProgress: (bytes) => ctx.onProgress?.(display, bytes, total),
    },
    (item) => takeItem(ctx, report, folded, item, onRow),
  );
}

/** One item of a file (csv reader or DuckDB reader): counted, skipped, quarantined as a problem, or read as a row. */
export function takeItem(
  ctx: ImportContext,
  report: FileReport,
  folded: Map<string, string> | undefined,
  item: CsvItem,
  onRow: (row: Row) => void,
) {
  if ('skipped' in item) {
    const skipped = (report.skipped ??= { total: 0, group: 0, footer: 0 });
    skipped[item.skipped]++;
    return;
  }
  report.rows++;
  ctx.batch.read++;
  if ('problem' in item) {
    ctx.batch.reject({
      source: ctx.source,
      file: report.file,
      line: item.line,
      column: item.column,
      value: item.value,
      reason: item.reason,
      suggestion: '',
    });
    return;
  }
  onRow(new Row(ctx, item.values, { file: report.file, line: item.line }, folded));
}

/**
 * The key of a history row that has no id of its own: what the source says
 * (the record, the time, then the field and values as written, NFKC-folded),
 * never what a value map makes of it, so importing it again under another
 * map replaces it.
 */
export const historyKey = (person: string, at: string, ...raw: string[]): string =>
  [person, at, ...raw.map((v) => fold(v))].join('|');

/** A 法人番号 from the columns exports and mappings name it by, if the row has a valid one. */
export const corporateNumberOf = (r: Row): string | undefined =>
  corporateNumber(r.get('corporate_number', '法人番号', 'Corporate Number'));

/** Employee count → the contract's bands. */
export function employeeBand(raw: string): string | undefined {
  const n = parseAmount(raw);
  if (n === undefined || n <= 0) return raw === '' ? undefined : fold(raw);
  return n < 50 ? '1-49' : n < 300 ? '50-299' : n < 1000 ? '300-999' : '1000+';
}

/**
 * Stage dates of one record (HubSpot's "Became a … Date", a generic mapping's
 * stage_dates): a funnel stage dated before a funnel stage below it is out of
 * time order and quarantined on its own; the others are returned.
 */
export function inFunnelOrder(row: Row, stages: string[], dated: { stage: string; at: string; column: string }[]) {
  const order = (s: string) => stages.indexOf(s);
  const sorted = [...dated].sort((a, b) => order(a.stage) - order(b.stage));
  let latest = '';
  let latestColumn = '';
  const kept: typeof dated = [];
  for (const d of sorted) {
    if (latest && Date.parse(d.at) < Date.parse(latest)) {
      row.note(
        d.column,
        row.get(d.column),
        `transition out of time order: ${d.stage} dated before ${latestColumn}`,
        'correct the date in the source system',
      );
      continue;
    }
    latest = d.at;
    latestColumn = d.column;
    kept.push(d);
  }
  return kept;
}

/** A won or lost deal has a close date, not before its creation; an open one has none that counts. */
export function checkDealDates(
  r: Row,
  closedColumn: string,
  status: string | null | undefined,
  createdAt?: string,
  closedAt?: string,
) {
  if ((status === 'won' || status === 'lost') && !closedAt) r.reject(closedColumn, '', `a ${status} deal without a close date`);
  else if (closedAt && createdAt && Date.parse(closedAt) < Date.parse(createdAt) && status !== 'open') {
    r.reject(closedColumn, r.get(closedColumn), 'closed before it was created (out of time order)');
  }
}
