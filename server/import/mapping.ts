/*
 * Mappings: how a source's values become canonical ones (stages, channels,
 * deal types, touch types, owners → teams), the source's time zone, date
 * format and encoding, and for the generic source which column feeds which
 * canonical column.
 *
 * Each vendor adapter brings defaults; a YAML file given with --mapping
 * overrides them entry by entry. Lookups fold case, width and spacing
 * ("Marketing Qualified Lead", "marketingqualifiedlead" and "ＭＱＬ" meet),
 * and every value that no entry covers is counted, so the import can say
 * which source values it did not map, with their counts.
 *
 * A suggestion never guesses from the look of a word ("失注" is not "won"
 * because it is short, "対象外" is not "mql"): an unmapped value is proposed
 * an entry only when it is exactly (case, width and spacing folded) a value
 * some vendor's own list defines (`known`, e.g. Salesforce's "Closed - Not
 * Converted" met in a HubSpot export); otherwise the entry to write is shown
 * with the canonical values to choose from, and the value stays unmapped.
 */
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { z } from 'zod';
import { parseEncodingName, type TextEncoding } from './text.js';

const valueMap = z.record(z.string(), z.string().nullable()).default({});

const tableSpec = z.object({
  /** Glob on the file name (`*` and `?`), e.g. "leads*.csv"; the first table whose pattern matches takes the file. */
  file: z.string(),
  /** canonical column → source column (header as written). */
  columns: z.record(z.string(), z.string()).default({}),
  /** Line of the header row (1-based) when the export puts lines above it (e.g. the search conditions of a list export). */
  header_line: z.number().int().min(1).optional(),
  /** Leads only: canonical stage → source column holding the date the lead entered it. */
  stage_dates: z.record(z.string(), z.string()).default({}),
});

export const mappingSchema = z
  .object({
    /** Name of the source shown on /data and used to key its rows (default: the source argument). */
    source: z
      .string()
      .regex(/^[a-z0-9_-]+$/i, 'use letters, digits, - and _')
      .optional(),
    encoding: z.string().default('auto'),
    time_zone: z.string().optional(),
    date_format: z.string().optional(),
    stages: valueMap,
    channels: valueMap,
    deal_types: valueMap,
    touch_types: valueMap,
    deal_status: valueMap,
    owner_teams: valueMap,
    default_owner_team: z.string().optional(),
    /** Channels the company adds beyond the bundled list (written to channels.csv). */
    new_channels: z
      .array(
        z.object({
          channel: z.string(),
          label_ja: z.string().default(''),
          label_en: z.string().default(''),
          is_paid: z.boolean().default(false),
        }),
      )
      .default([]),
    /**
     * Dated exchange rates into the company's currency (settings `currency`, JPY by default): from `from`
     * (YYYY-MM-DD) on, one unit of `currency` is `rate` units. A deal is converted at the rate in force on its
     * close date (else its creation date); a deal in a currency without one is quarantined, never summed.
     */
    exchange_rates: z
      .array(
        z.object({
          currency: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code such as USD'),
          from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
          rate: z.number().positive(),
        }),
      )
      .default([]),
    tables: z
      .partialRecord(
        z.enum([
          'leads',
          'accounts',
          'stage_transitions',
          'opportunities',
          'touchpoints',
          'campaigns',
          'channel_costs',
          'targets',
          'team_costs',
        ]),
        tableSpec,
      )
      .default({}),
  })
  .strict();

export type MappingFile = z.infer<typeof mappingSchema>;
export type TableSpec = z.infer<typeof tableSpec>;

export class MappingError extends Error {}

export async function loadMappingFile(file: string): Promise<MappingFile> {
  let doc: unknown;
  try {
    doc = YAML.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new MappingError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(doc ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MappingError(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The key a lookup uses: NFKC, lower case, no spaces, dashes or underscores. */
export const lookupKey = (v: string) =>
  v
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-()（）]+/g, '');

/** Words of a lost or cancelled outcome: never proposed as won, whatever a list says. */
const LOST = /lost|失注|不成立|見送|不採用|断念|cancel|キャンセル|not\s*converted|churn|解約|対象外/i;

export type ValueKind = 'stages' | 'channels' | 'deal_types' | 'touch_types' | 'deal_status' | 'owner_teams';

/** One kind of value map: defaults of the source, overridden by the mapping file. */
export class ValueMap {
  private readonly map = new Map<string, string | null>();
  readonly entries: Record<string, string | null> = {};
  constructor(
    readonly kind: ValueKind,
    readonly canonical: readonly string[],
    ...layers: Record<string, string | null>[]
  ) {
    for (const layer of layers) {
      for (const [k, v] of Object.entries(layer)) {
        this.map.set(lookupKey(k), v);
        this.entries[k] = v;
      }
    }
    for (const c of canonical) if (!this.map.has(lookupKey(c))) this.map.set(lookupKey(c), c);
  }
  /** Raw value → answer: exports repeat a handful of values millions of times. */
  private readonly seen = new Map<string, string | null | undefined>();

  /** The canonical value; null when mapped to nothing on purpose (ignored); undefined when unknown. */
  get(raw: string): string | null | undefined {
    if (this.seen.has(raw)) return this.seen.get(raw);
    const v = this.map.get(lookupKey(raw));
    if (this.seen.size < 10_000) this.seen.set(raw, v);
    return v;
  }
  /** Values vendors define (every source's defaults), lookup key → canonical: the only ground for a suggestion. */
  known = new Map<string, string | null>();

  /** The entry to add for an unmapped value: a vendor's own meaning when the value is exactly one, else no guess. */
  suggest(raw: string): string {
    const what = this.kind.replace(/s$/, '').replace('_', ' ');
    const where = `under ${this.kind}: in a mapping file given with --mapping`;
    const known = this.known.get(lookupKey(raw));
    if (known !== undefined && !(known === 'won' && LOST.test(raw.normalize('NFKC'))))
      return `add "${raw}: ${known ?? 'null'}" ${where} (a value vendors define as ${known ?? 'ignored'})`;
    const choices = this.canonical.length ? `one of ${this.canonical.join(', ')}, or null to ignore` : `the ${what}`;
    return `left unmapped: add "${raw}: <${what}>" ${where}, with ${choices}`;
  }
}

export function mappingEncoding(m: MappingFile | undefined): TextEncoding | 'auto' {
  return parseEncodingName(m?.encoding ?? 'auto');
}

/** `*` and `?` globs on a file's base name, case-insensitive. */
export function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}
