/*
 * Cube's REST result shaping in plain TypeScript, used only when Cube's
 * native module (@cubejs-backend/native) is absent. Where the native module
 * is present Cube shapes results itself and this module is never called.
 *
 * Written by us, following the behaviour of Cube's Rust implementation
 * (cube-js/cube, rust/cubeorchestrator/src/query_result_transform.rs and
 * transport.rs) detail for detail:
 * - `data` rows keyed by member name, in database column order;
 * - a time dimension requested with a granularity is keyed
 *   `cube.member.granularity`, and also `cube.member` (the value of the finest
 *   granularity requested) unless `cube.member` is requested plainly;
 * - values of members annotated `time` are formatted `YYYY-MM-DDTHH:mm:ss.SSS`
 *   (no zone suffix); everything else passes through as the driver gave it;
 * - `compareDateRange` queries get a `compareDateRange` key ("from - to") and
 *   blending queries a `time.<granularity>` key;
 * - `responseFormat: compact` gives `{ members, dataset }`;
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
  resType?: 'default' | 'compact' | string;
}

/** Raw rows as Cube's ResultWrapper hands them over: columnar, or row objects. */
export interface ColumnarData {
  members: string[];
  columns: Primitive[][];
}
export type RawData = ColumnarData | Record<string, Primitive>[] | Uint8Array;

const GRANULARITY_LEVELS: Record<string, number> = {
  second: 1, minute: 2, hour: 3, day: 4, week: 5, month: 6, quarter: 7, year: 8,
};
const UNKNOWN_GRANULARITY_LEVEL = 10;

const hiddenMemberError = (member: string) => new Error(
  `You requested hidden member: '${member}'. Please make it visible using \`public: true\`. ` +
  'Please note primaryKey fields are `public: false` by default: ' +
  'https://cube.dev/docs/schema/reference/joins#setting-a-primary-key.',
);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatWallTime(y: number, mo: number, d: number, h: number, mi: number, s: number, fraction: string): string {
  const ms = (fraction + '000').slice(0, 3);
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${ms}`;
}

function validWallTime(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
    && h < 24 && mi < 60 && s < 61;
}

// RFC 3339 keeps the wall time of its own offset, as chrono's DateTime::format does.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|[+-]\d{2}:\d{2})$/;
// Naive forms Cube accepts, read as UTC: "Y-m-d H:M:S.fff", "Y-m-d H:M:S", "Y-m-dTH:M:S",
// and "Y-m-d H:M:S.fff +hh:mm" (offset ignored, as the naive parse does).
const NAIVE_FORMS: RegExp[] = [
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/,
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})()$/,
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})()$/,
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) [+-]\d{2}:\d{2}$/,
];

/** Cube's `transform_value`: time members become `YYYY-MM-DDTHH:mm:ss.SSS`. */
export function transformValue(value: unknown, type: string): Primitive {
  if (value instanceof Date && (type === 'time' || type === '')) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 23);
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

const dimensionRequestedPlainly = (query: NormalizedQuery, member: string) =>
  (query.dimensions ?? []).some((d) => d === member);

function firstTimeDimension(query: NormalizedQuery, purpose: string): TimeDimension {
  const td = query.timeDimensions?.[0];
  if (!td) throw new Error(`QueryTimeDimension should be specified for the ${purpose} query.`);
  return td;
}

function dateRangeValue(query: NormalizedQuery): string {
  const td = firstTimeDimension(query, 'compare date range');
  const range = td.dateRange;
  if (!Array.isArray(range)) throw new Error('Inconsistent QueryTimeDimension configuration: dateRange required.');
  if (range.length === 1) {
    throw new Error(`Inconsistent dateRange configuration for the compare date range query: ${range[0]}`);
  }
  return range.join(' - ');
}

function blendingGranularity(query: NormalizedQuery): TimeDimension & { granularity: string } {
  const td = firstTimeDimension(query, 'blending');
  if (!td.granularity) {
    throw new Error(`Inconsistent QueryTimeDimension configuration for the blending query, granularity required: ${JSON.stringify(td)}`);
  }
  return td as TimeDimension & { granularity: string };
}

const blendingQueryKey = (q: NormalizedQuery) => `time.${blendingGranularity(q).granularity}`;
const blendingResponseKey = (q: NormalizedQuery) => {
  const td = blendingGranularity(q);
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

function checkRequestedMembersAnnotated(query: NormalizedQuery, annotation: Record<string, AnnotationItem>) {
  const requested = [
    ...(query.measures ?? []).map(memberName),
    ...(query.dimensions ?? []).map(memberName),
    // A time dimension used only as a date-range filter yields no column and has no annotation.
    ...(query.timeDimensions ?? []).filter((td) => td.granularity).map((td) => td.dimension),
  ].filter((m): m is string => m !== undefined);
  for (const m of requested) if (!(m in annotation)) throw hiddenMemberError(m);
}

/** Updates `finest` with the value of `member` if its granularity is finer than what is held. */
function keepFinest<T>(finest: Map<string, [number, T]>, query: NormalizedQuery, member: string, value: T) {
  const path = member.split('.');
  if (path.length !== 3) return;
  const plain = `${path[0]}.${path[1]}`;
  if (dimensionRequestedPlainly(query, plain)) return;
  const level = GRANULARITY_LEVELS[path[2]] ?? UNKNOWN_GRANULARITY_LEVEL;
  const held = finest.get(plain);
  if (held && held[0] < level) return;
  finest.set(plain, [level, value]);
}

function vanillaRows(td: TransformData, data: ColumnarData, queryType: QueryType): Record<string, Primitive>[] {
  const { aliasToMemberNameMap: aliases, annotation, query } = td;
  const columns = data.members.map((alias) => {
    const member = aliases[alias];
    if (member === undefined) throw new Error(`Missing member name for alias: ${alias}`);
    const item = annotation[member];
    if (!item) throw hiddenMemberError(alias);
    return { member, type: item.type ?? '' };
  });
  const rowCount = data.columns[0]?.length ?? 0;
  const rows: Record<string, Primitive>[] = new Array(rowCount);
  const compareValue = queryType === 'compareDateRangeQuery' ? dateRangeValue(query) : undefined;
  const blendKeys = queryType === 'blendingQuery' ? [blendingQueryKey(query), blendingResponseKey(query)] : undefined;
  for (let i = 0; i < rowCount; i++) {
    const row: Record<string, Primitive> = {};
    const finest = new Map<string, [number, Primitive]>();
    columns.forEach(({ member, type }, c) => {
      const value = transformValue(data.columns[c][i], type);
      row[member] = value;
      keepFinest(finest, query, member, value);
    });
    for (const [member, [, value]] of finest) row[member] = value;
    if (compareValue !== undefined) row.compareDateRange = compareValue;
    if (blendKeys && blendKeys[1] in row) row[blendKeys[0]] = row[blendKeys[1]];
    rows[i] = row;
  }
  return rows;
}

function compactRows(td: TransformData, data: ColumnarData, queryType: QueryType) {
  const { aliasToMemberNameMap: aliases, annotation, query } = td;
  const memberToAlias = new Map<string, string>();
  const members: string[] = [];
  const finest = new Map<string, [number, string]>();
  for (const alias of data.members) {
    const member = aliases[alias];
    if (member === undefined) throw new Error(`Member name not found for alias: '${alias}'`);
    if (!annotation[member]) throw hiddenMemberError(alias);
    memberToAlias.set(member, alias);
    members.push(member);
    keepFinest(finest, query, member, alias);
  }
  for (const [member, [, alias]] of finest) {
    memberToAlias.set(member, alias);
    members.push(member);
  }
  let blendResponseAlias: string | undefined;
  if (queryType === 'compareDateRangeQuery') {
    memberToAlias.set('compareDateRange', 'compareDateRangeQuery');
    members.push('compareDateRange');
  } else if (queryType === 'blendingQuery') {
    const key = blendingQueryKey(query);
    const plain = firstTimeDimension(query, 'blending').dimension;
    const alias = memberToAlias.get(plain);
    if (alias === undefined) throw new Error(`Failed to generate blending query key: no column for ${plain}`);
    memberToAlias.set(key, alias);
    members.push(key);
    blendResponseAlias = memberToAlias.get(blendingResponseKey(query));
  }
  const position = new Map(data.members.map((alias, i) => [alias, i]));
  const rowCount = data.columns[0]?.length ?? 0;
  const compareValue = queryType === 'compareDateRangeQuery' ? dateRangeValue(query) : undefined;
  const dataset: Primitive[][] = [];
  for (let i = 0; i < rowCount; i++) {
    const row: Primitive[] = [];
    for (const m of members) {
      const item = annotation[m];
      const alias = memberToAlias.get(m);
      const col = alias === undefined ? undefined : position.get(alias);
      if (item && col !== undefined) row.push(transformValue(data.columns[col][i], item.type ?? ''));
    }
    if (compareValue !== undefined) row.push(compareValue);
    if (blendResponseAlias !== undefined) {
      const col = position.get(blendResponseAlias);
      // Cube looks the blending member's type up by alias, which finds none: values pass unformatted.
      if (col !== undefined) row.push(transformValue(data.columns[col][i], annotation[blendResponseAlias]?.type ?? ''));
    }
    dataset.push(row);
  }
  return { members, dataset };
}

/** The `data` of one result, vanilla rows or compact. */
export function transformData(td: TransformData, raw: RawData) {
  const data = toColumnar(raw);
  const queryType = td.queryType ?? 'regularQuery';
  if (data.members.length === 0) {
    checkRequestedMembersAnnotated(td.query, td.annotation);
    return td.resType === 'compact' ? { members: [], dataset: [] } : [];
  }
  return td.resType === 'compact' ? compactRows(td, data, queryType) : vanillaRows(td, data, queryType);
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
  const td = (q.timeDimensions as TimeDimension[] | undefined)?.map((t) => defined({
    dimension: t.dimension, dateRange: t.dateRange, compareDateRange: t.compareDateRange, granularity: t.granularity,
  }));
  return defined({
    measures: q.measures, dimensions: q.dimensions, timeDimensions: td, segments: q.segments,
    limit: q.limit, offset: q.offset, total: q.total, totalQuery: q.totalQuery, timezone: q.timezone,
    renewQuery: q.renewQuery, ungrouped: q.ungrouped, responseFormat: q.responseFormat,
    filters: (q.filters as unknown[] | undefined)?.map(echoFilter), rowLimit: q.rowLimit,
    order: (q.order as { id: string; desc: boolean }[] | undefined)?.map((o) => ({ id: o.id, desc: o.desc })),
    queryType: q.queryType,
  });
}

const ANNOTATION_FIELDS = ['title', 'shortTitle', 'description', 'type', 'format', 'meta', 'drillMembers', 'drillMembersGrouped', 'granularity'];

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
      lastRefreshTime: root.lastRefreshTime, refreshKeyValues: root.refreshKeyValues,
      usedPreAggregations: root.usedPreAggregations, transformedQuery: root.transformedQuery, requestId: root.requestId,
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
    const granularities = [...new Set(queries
      .map((q) => (q.timeDimensions as TimeDimension[] | undefined)?.[0]?.granularity)
      .filter((g): g is string => Boolean(g)))];
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
    pivotQuery: pivotQuery(response.queryType, results.map((r) => r.query)),
    slowQuery: Boolean(response.slowQuery),
  });
}
