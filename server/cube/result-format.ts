/*
 * Cube's REST result shaping in plain TypeScript, used only when Cube's
 * native module (@cubejs-backend/native) is absent. Where the native module
 * is present Cube shapes results itself and this module is never called.
 *
 * Written by us, following the behaviour of Cube's Rust implementation
 * (cube-js/cube, rust/cubeorchestrator/src/query_result_transform.rs and
 * transport.rs, the version that takes the columnar `{members, columns}`
 * input Cube 1.7.43's JavaScript sends) detail for detail; its unit cases are
 * ported in test/unit/result-format-cube.test.ts:
 * - `data` rows keyed by member name, in database column order;
 * - a time dimension requested with a granularity is keyed
 *   `cube.member.granularity`, and also `cube.member` (the value of the finest
 *   granularity requested) unless `cube.member` is requested plainly;
 * - string values of members annotated `time` are formatted
 *   `YYYY-MM-DDTHH:mm:ss.SSS` (no zone suffix; a zone name such as "UTC" after
 *   the time is skipped, not applied); everything else passes through;
 * - `compareDateRange` queries get a `compareDateRange` key ("from - to") and
 *   blending queries a `time.<granularity>` key;
 * - `responseFormat: compact` gives `{ members, dataset }` and `columnar`
 *   `{ members, columns }` (one column per member, null-filled where Cube
 *   finds no source);
 * - the result object carries the same fields as Cube's `RequestResultData`
 *   (optional ones omitted when empty) and the query echo only the fields of
 *   Cube's `NormalizedQuery`.
 * No code is copied from Cube; limits: custom granularities rank after
 * `year` when picking the finest one, as in Cube.
 */

export type Primitive = string | number | boolean | null | Record<string, unknown> | unknown[];

export interface AnnotationItem {
  title?: string;
  shortTitle?: string;
  description?: string;
  type?: string;
  format?: unknown;
  meta?: unknown;
  drillMembers?: unknown[];
  drillMembersGrouped?: unknown;
  granularity?: unknown;
  [key: string]: unknown;
}

export interface TimeDimension {
  dimension: string;
  dateRange?: string[] | string;
  compareDateRange?: unknown;
  granularity?: string;
}

export interface NormalizedQuery {
  measures?: unknown[];
  dimensions?: unknown[];
  timeDimensions?: TimeDimension[];
  [key: string]: unknown;
}

export type QueryType = 'regularQuery' | 'compareDateRangeQuery' | 'blendingQuery';

export interface TransformData {
  aliasToMemberNameMap: Record<string, string>;
  annotation: Record<string, AnnotationItem>;
  query: NormalizedQuery;
  queryType?: QueryType;
  resType?: 'default' | 'compact' | 'columnar' | string;
}

/** Raw rows as Cube's ResultWrapper hands them over: columnar, or row objects. */
export interface ColumnarData {
  members: string[];
  columns: Primitive[][];
}
export type RawData = ColumnarData | Record<string, Primitive>[] | Uint8Array;

const GRANULARITY_LEVELS: Record<string, number> = {
  second: 1,
  minute: 2,
  hour: 3,
  day: 4,
  week: 5,
  month: 6,
  quarter: 7,
  year: 8,
};
const UNKNOWN_GRANULARITY_LEVEL = 10;

const hiddenMemberError = (member: string) =>
  new Error(
    `You requested hidden member: '${member}'. Please make it visible using \`public: true\`. ` +
      'Please note primaryKey fields are `public: false` by default: ' +
      'https://cube.dev/docs/schema/reference/joins#setting-a-primary-key.',
  );

function ensureAnnotated(member: string, annotation: Record<string, AnnotationItem>) {
  if (!(member in annotation)) throw hiddenMemberError(member);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatWallTime(y: number, mo: number, d: number, h: number, mi: number, s: number, fraction: string): string {
  // chrono's %.3f truncates extra digits, it does not round.
  const ms = (fraction + '000').slice(0, 3);
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${ms}`;
}

function validWallTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d));
  t.setUTCFullYear(y);
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && s < 61; // 60: chrono accepts a leap second
}

// RFC 3339 keeps the wall time of its own offset, as chrono's DateTime::format does.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|[+-]\d{2}:\d{2})$/;
// The naive forms Cube tries next, read as UTC, in chrono's parsing terms: numeric fields take
// one or two digits, `%.3f` is an optional dot with any number of digits, `%Z` skips any run
// of non-blank characters (the zone name is ignored, not applied).
const DATE = String.raw`(\d{4})-(\d{1,2})-(\d{1,2})`;
const TIME = String.raw`(\d{1,2}):(\d{1,2}):(\d{1,2})`;
const FRACTION = String.raw`(?:\.(\d+))?`;
const NAIVE_FORMS: RegExp[] = [
  new RegExp(`^${DATE} ${TIME}${FRACTION}$`), // %Y-%m-%d %H:%M:%S%.3f (and without the fraction)
  new RegExp(`^${DATE}T${TIME}()$`), // %Y-%m-%dT%H:%M:%S
  new RegExp(`^${DATE} ${TIME}${FRACTION} \\S*$`), // %Y-%m-%d %H:%M:%S%.3f %Z (also covers %:z)
];

/** Cube's `transform_value`: strings of time members become `YYYY-MM-DDTHH:mm:ss.SSS`. */
export function transformValue(value: unknown, type: string): Primitive {
  // A Date reaches Cube's native side as its JSON form (an RFC 3339 string in UTC).
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return transformValue(value.toISOString(), type);
  }
  if (typeof value === 'string' && type === 'time') {
    for (const form of [RFC3339, ...NAIVE_FORMS]) {
      const m = form.exec(value);
      if (!m) continue;
      const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
      if (!validWallTime(y, mo, d, h, mi, s)) continue;
      return formatWallTime(y, mo, d, h, mi, s, m[7] ?? '');
    }
    return value;
  }
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  return value as Primitive;
}

function memberName(m: unknown): string | undefined {
  if (typeof m === 'string') return m;
  if (m && typeof m === 'object' && typeof (m as { name?: unknown }).name === 'string') {
    return (m as { name: string }).name;
  }
  return undefined;
}

function firstTimeDimension(timeDimensions: TimeDimension[] | undefined, purpose: string): TimeDimension {
  const td = timeDimensions?.[0];
  if (!td) throw new Error(`QueryTimeDimension should be specified for the ${purpose} query.`);
  return td;
}

/** The `compareDateRange` value of every row: "from - to" of the first time dimension. */
export function dateRangeValue(timeDimensions: TimeDimension[] | undefined): string {
  if (!timeDimensions) throw new Error('QueryTimeDimension should be specified for the compare date range query.');
  const td = timeDimensions[0];
  if (!td) throw new Error('No time dimension provided.');
  const range = td.dateRange;
  if (!Array.isArray(range)) throw new Error('Inconsistent QueryTimeDimension configuration: dateRange required.');
  if (range.length === 1) {
    throw new Error(`Inconsistent dateRange configuration for the compare date range query: ${range[0]}`);
  }
  return range.join(' - ');
}

function blendingTimeDimension(timeDimensions: TimeDimension[] | undefined): TimeDimension & { granularity: string } {
  const td = firstTimeDimension(timeDimensions, 'blending');
  if (!td.granularity) {
    throw new Error(
      `Inconsistent QueryTimeDimension configuration for the blending query, granularity required: ${JSON.stringify(td)}`,
    );
  }
  return td as TimeDimension & { granularity: string };
}

/** `time.<granularity>`: the key every blended result shares. */
export const blendingQueryKey = (timeDimensions: TimeDimension[] | undefined) =>
  `time.${blendingTimeDimension(timeDimensions).granularity}`;
/** `<dimension>.<granularity>`: the member whose value the blending key repeats. */
export const blendingResponseKey = (timeDimensions: TimeDimension[] | undefined) => {
  const td = blendingTimeDimension(timeDimensions);
  return `${td.dimension}.${td.granularity}`;
};

/** Rows in columnar form, whatever shape the wrapper handed over. */
export function toColumnar(raw: RawData): ColumnarData {
  if (raw instanceof Uint8Array) return toColumnar(JSON.parse(Buffer.from(raw).toString('utf8')) as RawData);
  if (Array.isArray(raw)) {
    if (raw.length === 0) return { members: [], columns: [] };
    const members = Object.keys(raw[0]);
    return { members, columns: members.map((m) => raw.map((row) => row[m])) };
  }
  return raw;
}

/**
 * A time member `cube.dim.granularity` also fills the plain `cube.dim` key (the deprecated
 * un-suffixed form), ranked by granularity, unless `cube.dim` is requested as a dimension.
 */
export function granularityTrack(member: string, query: NormalizedQuery): { baseMember: string; level: number } | undefined {
  const path = member.split('.');
  if (path.length !== 3) return undefined;
  const baseMember = `${path[0]}.${path[1]}`;
  if ((query.dimensions ?? []).some((d) => d === baseMember)) return undefined;
  return { baseMember, level: GRANULARITY_LEVELS[path[2]] ?? UNKNOWN_GRANULARITY_LEVEL };
}

type Track = ReturnType<typeof granularityTrack>;

/** Keeps, per base member, the finest candidate; on a tie the later column wins, as in Cube. */
function finestByBase<T>(candidates: { track: Track; value: T }[]): Map<string, T> {
  const best = new Map<string, [number, T]>();
  for (const { track, value } of candidates) {
    if (!track) continue;
    const held = best.get(track.baseMember);
    if (held && held[0] < track.level) continue;
    best.set(track.baseMember, [track.level, value]);
  }
  return new Map([...best].map(([k, [, v]]) => [k, v]));
}

/** An empty result still refuses members the caller may not see (RBAC-hidden members). */
function checkRequestedMembersAnnotated(query: NormalizedQuery, annotation: Record<string, AnnotationItem>) {
  const requested = [
    ...(query.measures ?? []).map(memberName),
    ...(query.dimensions ?? []).map(memberName),
    // A time dimension used only as a date-range filter yields no column and has no annotation.
    ...(query.timeDimensions ?? []).filter((td) => td.granularity).map((td) => td.dimension),
  ].filter((m): m is string => m !== undefined);
  for (const m of requested) ensureAnnotated(m, annotation);
}

/**
 * Cube's `get_members`: the output members in order (columns as the database gave them, then
 * the un-suffixed time keys, then `compareDateRange` or the blending key) and each member's
 * source column alias (`compareDateRangeQuery` for the synthetic comparison column).
 */
export function getMembers(td: TransformData, data: ColumnarData): { membersToAlias: Map<string, string>; members: string[] } {
  const { aliasToMemberNameMap: aliases, annotation, query } = td;
  const queryType = td.queryType ?? 'regularQuery';
  const membersToAlias = new Map<string, string>();
  const members: string[] = [];
  if (data.members.length === 0) {
    checkRequestedMembersAnnotated(query, annotation);
    return { membersToAlias, members };
  }
  const columns = data.members.map((alias) => {
    const member = Object.hasOwn(aliases, alias) ? aliases[alias] : undefined;
    if (member === undefined) throw new Error(`Member name not found for alias: '${alias}'`);
    ensureAnnotated(member, annotation);
    membersToAlias.set(member, alias);
    members.push(member);
    return { track: granularityTrack(member, query), value: alias };
  });
  for (const [base, alias] of finestByBase(columns)) {
    membersToAlias.set(base, alias);
    members.push(base);
  }
  if (queryType === 'compareDateRangeQuery') {
    membersToAlias.set('compareDateRange', 'compareDateRangeQuery');
    members.push('compareDateRange');
  } else if (queryType === 'blendingQuery') {
    const key = blendingQueryKey(query.timeDimensions);
    const plain = firstTimeDimension(query.timeDimensions, 'blending').dimension;
    const alias = membersToAlias.get(plain);
    if (alias === undefined) throw new Error(`Failed to generate blending query key: no column for ${plain}`);
    membersToAlias.set(key, alias);
    members.push(key);
  }
  return { membersToAlias, members };
}

type ColumnSource = { column: Primitive[]; type: string } | { constant: Primitive };

/**
 * Where each output member's values come from, for compact and columnar results. `nullFill`
 * keeps one column per member (columnar) where compact drops a member it cannot resolve.
 */
function plan(td: TransformData, data: ColumnarData, members: string[], membersToAlias: Map<string, string>, nullFill: boolean) {
  const { annotation, query } = td;
  const queryType = td.queryType ?? 'regularQuery';
  const position = new Map(data.members.map((alias, i) => [alias, i]));
  const columnOf = (alias: string | undefined) => (alias === undefined ? undefined : position.get(alias));
  const sources: ColumnSource[] = [];
  const tail = (): ColumnSource | undefined => {
    if (queryType === 'compareDateRangeQuery') return { constant: dateRangeValue(query.timeDimensions) };
    if (queryType !== 'blendingQuery') return undefined;
    const alias = membersToAlias.get(blendingResponseKey(query.timeDimensions));
    const col = columnOf(alias);
    // Cube looks the blending member's type up by alias, which finds none: values pass unformatted.
    return col === undefined ? undefined : { column: data.columns[col], type: annotation[alias!]?.type ?? '' };
  };
  members.forEach((m, i) => {
    const item = Object.hasOwn(annotation, m) ? annotation[m] : undefined;
    const col = item ? columnOf(membersToAlias.get(m)) : undefined;
    if (item && col !== undefined) {
      sources.push({ column: data.columns[col], type: item.type ?? '' });
      return;
    }
    if (!nullFill) return;
    const synthetic = i === members.length - 1 ? tail() : undefined;
    sources.push(synthetic ?? { constant: null });
  });
  if (!nullFill) {
    const synthetic = tail();
    if (synthetic) sources.push(synthetic);
  }
  return sources;
}

const cell = (source: ColumnSource, row: number): Primitive =>
  'constant' in source ? source.constant : transformValue(source.column[row], source.type);

const rowCount = (data: ColumnarData) => data.columns[0]?.length ?? 0;

/** Cube's vanilla rows (`build_vanilla_plan` + `get_vanilla_row`): one object per row keyed by member. */
export function vanillaRows(td: TransformData, data: ColumnarData): Record<string, Primitive>[] {
  const { aliasToMemberNameMap: aliases, annotation, query } = td;
  const queryType = td.queryType ?? 'regularQuery';
  const columns = data.members.map((alias, c) => {
    const member = Object.hasOwn(aliases, alias) ? aliases[alias] : undefined;
    if (member === undefined) throw new Error(`Missing member name for alias: ${alias}`);
    ensureAnnotated(member, annotation);
    return { member, type: annotation[member].type ?? '', values: data.columns[c], track: granularityTrack(member, query) };
  });
  const compareValue = queryType === 'compareDateRangeQuery' ? dateRangeValue(query.timeDimensions) : undefined;
  const blendKeys =
    queryType === 'blendingQuery'
      ? [blendingQueryKey(query.timeDimensions), blendingResponseKey(query.timeDimensions)]
      : undefined;
  const rows: Record<string, Primitive>[] = new Array(rowCount(data));
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, Primitive> = {};
    for (const { member, type, values } of columns) row[member] = transformValue(values[i], type);
    const finest = finestByBase(columns.map(({ member, track }) => ({ track, value: row[member] })));
    for (const [base, value] of finest) row[base] = value;
    if (compareValue !== undefined) row.compareDateRange = compareValue;
    if (blendKeys && blendKeys[1] in row) row[blendKeys[0]] = row[blendKeys[1]];
    rows[i] = row;
  }
  return rows;
}

export type TransformedData =
  Record<string, Primitive>[] | { members: string[]; dataset: Primitive[][] } | { members: string[]; columns: Primitive[][] };

/** The `data` of one result: vanilla rows, compact (`{members, dataset}`) or columnar (`{members, columns}`). */
export function transformData(td: TransformData, raw: RawData): TransformedData {
  const data = toColumnar(raw);
  if (td.resType !== 'compact' && td.resType !== 'columnar') {
    // Cube's vanilla rows never go through `get_members`: an alias without a member is reported by
    // the row itself, and a blending key is added only where the row holds its response key.
    if (data.members.length === 0) {
      checkRequestedMembersAnnotated(td.query, td.annotation);
      return [];
    }
    return vanillaRows(td, data);
  }
  const { membersToAlias, members } = getMembers(td, data);
  if (td.resType === 'compact') {
    const sources = plan(td, data, members, membersToAlias, false);
    const dataset = Array.from({ length: rowCount(data) }, (_, row) => sources.map((s) => cell(s, row)));
    return { members, dataset };
  }
  const sources = plan(td, data, members, membersToAlias, true);
  const n = rowCount(data);
  return { members, columns: sources.map((s) => Array.from({ length: n }, (_, row) => cell(s, row))) };
}

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

function echoFilter(f: unknown): unknown {
  if (!f || typeof f !== 'object') return f;
  const o = f as Record<string, unknown>;
  if (Array.isArray(o.and)) return { and: o.and.map(echoFilter) };
  if (Array.isArray(o.or)) return { or: o.or.map(echoFilter) };
  const values = o.values as unknown[] | undefined;
  const stringValues = values === undefined || (Array.isArray(values) && values.every((v) => typeof v === 'string'));
  return defined({ member: o.member, operator: o.operator, values, dimension: stringValues ? undefined : o.dimension });
}

/** The query echo carries only the fields of Cube's NormalizedQuery, in its order. */
export function echoQuery(q: Record<string, unknown>): Record<string, unknown> {
  const td = (q.timeDimensions as TimeDimension[] | undefined)?.map((t) =>
    defined({
      dimension: t.dimension,
      dateRange: t.dateRange,
      compareDateRange: t.compareDateRange,
      granularity: t.granularity,
    }),
  );
  return defined({
    measures: q.measures,
    dimensions: q.dimensions,
    timeDimensions: td,
    segments: q.segments,
    limit: q.limit,
    offset: q.offset,
    total: q.total,
    totalQuery: q.totalQuery,
    timezone: q.timezone,
    renewQuery: q.renewQuery,
    ungrouped: q.ungrouped,
    responseFormat: q.responseFormat,
    filters: (q.filters as unknown[] | undefined)?.map(echoFilter),
    rowLimit: q.rowLimit,
    order: (q.order as { id: string; desc: boolean }[] | undefined)?.map((o) => ({ id: o.id, desc: o.desc })),
    queryType: q.queryType,
  });
}

const ANNOTATION_FIELDS = [
  'title',
  'shortTitle',
  'description',
  'type',
  'format',
  'meta',
  'drillMembers',
  'drillMembersGrouped',
  'granularity',
];

function echoAnnotation(annotation: Record<string, Record<string, AnnotationItem>> | undefined) {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [group, items] of Object.entries(annotation ?? {})) {
    out[group] = {};
    for (const [member, item] of Object.entries(items ?? {})) {
      out[group][member] = defined(Object.fromEntries(ANNOTATION_FIELDS.map((k) => [k, item[k]])));
    }
  }
  return out;
}

/** One `RequestResultData`: Cube's field set and order, optional fields omitted when empty. */
export function resultObject(td: TransformData, raw: RawData, root: Record<string, unknown>) {
  const data = transformData(td, raw);
  const q = root.query as Record<string, unknown>;
  return {
    query: echoQuery(q),
    ...defined({
      lastRefreshTime: root.lastRefreshTime,
      refreshKeyValues: root.refreshKeyValues,
      usedPreAggregations: root.usedPreAggregations,
      transformedQuery: root.transformedQuery,
      requestId: root.requestId,
    }),
    annotation: echoAnnotation(root.annotation as Record<string, Record<string, AnnotationItem>>),
    ...defined({ dataSource: root.dataSource, dbType: root.dbType, extDbType: root.extDbType, external: root.external }),
    slowQuery: Boolean(root.slowQuery),
    ...defined({ total: root.total }),
    data,
  };
}

/** Cube's pivot query: the first query, merged members for blending, compareDateRange first for comparisons. */
export function pivotQuery(queryType: QueryType, queries: Record<string, unknown>[]): Record<string, unknown> {
  if (queries.length === 0) throw new Error('Queries list cannot be empty');
  const pivot: Record<string, unknown> = { ...echoQuery(queries[0]) };
  if (queryType === 'blendingQuery') {
    const union = (key: 'measures' | 'dimensions') => {
      const seen = new Map<string, unknown>();
      for (const q of queries) for (const m of (q[key] as unknown[] | undefined) ?? []) seen.set(JSON.stringify(m), m);
      return seen.size ? [...seen.values()] : undefined;
    };
    pivot.measures = union('measures');
    pivot.dimensions = union('dimensions');
    const granularities = [
      ...new Set(
        queries
          .map((q) => (q.timeDimensions as TimeDimension[] | undefined)?.[0]?.granularity)
          .filter((g): g is string => Boolean(g)),
      ),
    ];
    if (granularities.length) pivot.timeDimensions = [{ dimension: 'time', granularity: granularities[0] }];
  } else if (queryType === 'compareDateRangeQuery') {
    pivot.dimensions = ['compareDateRange', ...((pivot.dimensions as unknown[] | undefined) ?? [])];
  }
  pivot.queryType = queryType;
  return echoQuery(pivot);
}

const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

/** Stand-in for native `getFinalQueryResult`: JSON bytes of one result. */
export function getFinalQueryResult(td: TransformData, raw: RawData, root: Record<string, unknown>): Uint8Array {
  return encode(resultObject(td, raw, root));
}

/** Stand-in for native `getFinalQueryResultMulti`: JSON bytes of `{ queryType, results, pivotQuery, slowQuery }`. */
export function getFinalQueryResultMulti(
  tds: TransformData[],
  raws: RawData[],
  response: { queryType: QueryType; results: Record<string, unknown>[]; slowQuery?: boolean },
): Uint8Array {
  const results = response.results.map((root, i) => resultObject(tds[i], raws[i], root));
  return encode({
    queryType: response.queryType,
    results,
    pivotQuery: pivotQuery(
      response.queryType,
      results.map((r) => r.query),
    ),
    slowQuery: Boolean(response.slowQuery),
  });
}
