/*
 * What a source adapter hands on: rows of a few source-neutral entities
 * (people, accounts, stage events, deals, deal contacts, touches, campaigns,
 * costs, targets), each keyed by the source's own id and carrying the file
 * and line it came from, plus the rows it set aside (quarantine) and the
 * source values its mapping did not know.
 *
 * Rows are streamed to CSV files in the import's work directory, so a file
 * of ten million touches never sits in memory; DuckDB reads them back for
 * the cross-row checks and the merge (merge.ts). Rows DuckDB read and checked
 * itself (sources/generic-fast.ts) stay in the import's DuckDB database as
 * views or tables (addTable), which the merge reads in the same database (a
 * table already in the merge's form becomes the merge's own): no round trip
 * through a file. Values are already
 * normalised here: times UTC ISO, stages and channels canonical, emails
 * folded and lower-cased.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { companyNameKey } from './text.js';
import { TEAM_COST_COLUMNS } from './team-costs.js';

export const ENTITY_COLUMNS = {
  people: [
    'source',
    'person_key',
    'email',
    'account_key',
    'company_name',
    'created_at',
    'updated_at',
    'lead_source',
    'persona',
    'owner_team',
  ],
  // same_as: another source's key for the same company (HubSpot's "Salesforce Account ID"): matched by id.
  accounts: [
    'source',
    'account_key',
    'account_name',
    'domain',
    'industry',
    'employee_band',
    'region',
    'created_at',
    'churned_at',
    'updated_at',
    'owner_team',
    'same_as',
    // name_key: companyNameKey(account_name); corporate_number: a 法人番号 where the export has one (matching keys).
    'name_key',
    'corporate_number',
  ],
  // is_initial: the lead's stage at creation as the record shows it now; replaced by the first change's old value when history exists.
  // from_record: derived from the person's own row (a stage-date column, the stage at creation), not from a history
  // row; a re-import of that row replaces all of them, so a changed value map leaves no stale event behind.
  events: ['source', 'event_key', 'person_key', 'from_stage', 'to_stage', 'entered_at', 'reason', 'is_initial', 'from_record'],
  deals: [
    'source',
    'deal_key',
    'account_key',
    'person_key',
    'created_at',
    'closed_at',
    'status',
    'amount',
    'deal_type',
    'lost_reason',
    'owner_team',
    'updated_at',
    // currency: ISO 4217 code of amount when the export names one (else the company's); converted in merge.ts.
    'currency',
  ],
  deal_contacts: ['source', 'deal_key', 'person_key'],
  // The people a CRM names on a deal, with their role (sources/contact-roles.ts); optional.
  deal_contact_roles: ['source', 'deal_key', 'person_key', 'role', 'is_primary'],
  touches: ['source', 'touch_key', 'person_key', 'occurred_at', 'channel', 'campaign_key', 'touch_type'],
  campaigns: ['source', 'campaign_key', 'campaign_name', 'channel', 'started_at', 'ended_at', 'buyer_journey_step'],
  costs: ['source', 'month', 'channel', 'campaign_key', 'cost'],
  targets: ['source', 'fiscal_month', 'metric', 'target'],
  team_costs: TEAM_COST_COLUMNS,
} as const;

export type Entity = keyof typeof ENTITY_COLUMNS;
export type EntityRow<E extends Entity> = { [K in (typeof ENTITY_COLUMNS)[E][number]]?: string | number | null };

/** Where a row came from: file (as given on the command line) and the line it starts on. */
export interface Origin {
  file: string;
  line: number;
}

export interface QuarantineRow {
  source: string;
  file: string;
  line: number;
  column: string;
  value: string;
  reason: string;
  suggestion: string;
}

export const QUARANTINE_COLUMNS: (keyof QuarantineRow)[] = ['source', 'file', 'line', 'column', 'value', 'reason', 'suggestion'];

export interface FileReport {
  file: string;
  kind: string;
  encoding: string;
  rows: number;
  /** Report lines that are not records (totals and subtotals, group headings, footer): skipped, not quarantined. */
  skipped?: { total: number; group: number; footer: number };
  /** 'duckdb' when DuckDB read the file (sources/generic-fast.ts); absent for the csv reader. */
  reader?: 'duckdb';
}

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

class CsvWriter {
  private readonly out: WriteStream;
  private buffer: string[] = [];
  private size = 0;
  constructor(file: string, header: readonly string[]) {
    this.out = createWriteStream(file);
    this.push(`${header.join(',')}\n`);
  }
  push(line: string) {
    this.buffer.push(line);
    this.size += line.length;
    if (this.size > 1 << 20) this.flush();
  }
  private flush() {
    if (this.buffer.length) this.out.write(this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
  async close() {
    this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** Unmapped source values per kind (stage, channel, deal type …): value → rows and a suggestion. */
export type Unmapped = Record<string, Record<string, { rows: number; suggestion: string }>>;

export class Batch {
  private readonly writers = new Map<Entity, CsvWriter>();
  private readonly quarantine: CsvWriter;
  readonly counts: Record<string, number> = {};
  readonly reasons: Record<string, number> = {};
  readonly files: FileReport[] = [];
  readonly unmapped: Unmapped = {};
  quarantined = 0;
  read = 0;

  constructor(readonly dir: string) {
    for (const entity of Object.keys(ENTITY_COLUMNS) as Entity[]) {
      this.writers.set(entity, new CsvWriter(this.file(entity), [...ENTITY_COLUMNS[entity], '_file', '_line']));
      this.counts[entity] = 0;
    }
    this.quarantine = new CsvWriter(path.join(dir, 'quarantine.csv'), QUARANTINE_COLUMNS);
  }

  file(entity: Entity): string {
    return path.join(this.dir, `${entity}.csv`);
  }

  /** Rows name their file by number (files.csv maps it back): a path repeated on ten million rows is most of the bytes. */
  private readonly fileIds = new Map<string, number>();

  add<E extends Entity>(entity: E, row: EntityRow<E>, origin: Origin) {
    const cols = ENTITY_COLUMNS[entity] as readonly string[];
    if (entity === 'accounts') {
      const a = row as EntityRow<'accounts'>;
      a.name_key ??= companyNameKey(String(a.account_name ?? ''));
    }
    let line = '';
    for (const c of cols) line += `${csvField((row as Record<string, unknown>)[c])},`;
    this.writers.get(entity)!.push(`${line}${this.fileId(origin.file)},${origin.line}\n`);
    this.counts[entity]!++;
  }

  /** The number rows name their file by. */
  fileId(file: string): number {
    let id = this.fileIds.get(file);
    if (id === undefined) this.fileIds.set(file, (id = this.fileIds.size));
    return id;
  }

  /** Batch tables (or views) DuckDB made itself (sources/generic-fast.ts) in the import's database, per entity. */
  readonly tables = new Map<Entity, string[]>();

  /** What those views read (`view x`, `table x`): dropped by the merge once it has its own copy of the batch rows (merge.ts). */
  readonly scratch: string[] = [];

  /** Those of `tables` that are already in the merge's form (addTable's `merged`): the merge takes them over. */
  readonly merged = new Set<string>();

  /**
   * A table or view of `rows` rows of `entity` in the import's database (ImportContext.db), in this entity's
   * columns (VARCHAR, '' as null, as the batch CSV reads) plus _file (id, VARCHAR) and _line (BIGINT); the merge
   * reads it with the rows added here. `merged`: a table whose _file is the file's name and which has the merge's
   * _new (true): the merge makes it its own table of the entity instead of copying it.
   */
  addTable(entity: Entity, table: string, rows: number, merged = false) {
    const list = this.tables.get(entity) ?? [];
    this.tables.set(entity, list);
    list.push(table);
    if (merged) this.merged.add(table);
    this.counts[entity]! += rows;
  }

  /** A name for the next batch table of `entity`. */
  tableName(entity: Entity): string {
    return `batch_${entity}_${this.tables.get(entity)?.length ?? 0}`;
  }

  reject(row: QuarantineRow) {
    this.quarantine.push(`${QUARANTINE_COLUMNS.map((c) => csvField(row[c])).join(',')}\n`);
    this.reasons[reasonKey(row.reason)] = (this.reasons[reasonKey(row.reason)] ?? 0) + 1;
    this.quarantined++;
  }

  noteUnmapped(kind: string, value: string, suggestion: string, rows = 1) {
    const k = (this.unmapped[kind] ??= {});
    (k[value] ??= { rows: 0, suggestion }).rows += rows;
  }

  async close() {
    const files = new CsvWriter(path.join(this.dir, 'files.csv'), ['id', 'file']);
    for (const [file, id] of this.fileIds) files.push(`${id},${csvField(file)}\n`);
    await Promise.all([...this.writers.values(), this.quarantine, files].map((w) => w.close()));
  }
}

/** The reason without the row's particulars, for counting per reason ("unknown stage \"X\"" → "unknown stage"). */
export function reasonKey(reason: string): string {
  return reason
    .replace(/\s*[:(].*$/, '')
    .replace(/\s*"[^"]*"/g, '')
    .trim();
}
