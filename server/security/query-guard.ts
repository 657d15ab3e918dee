/*
 * The grammar of a Cube query, checked before Cube sees it. Two reasons:
 *   - Cube 1.7 looks names up in plain objects (granularities, operators,
 *     member paths, time zones): a name such as `__proto__` or `toString`
 *     answered 500, and `__proto__` as a granularity changed Object.prototype
 *     for the whole process, so every later query failed until a restart.
 *   - Cube answers some hostile shapes with a 500 (a member expression, a
 *     `subqueryJoins` entry, a `measureFilter` from a client, a filter without
 *     values) or overflows its stack on deeply nested filters.
 * So every name is checked against what the compiled model (/meta, via the
 * catalog of security/policy.ts) and the grammar below allow, and every key
 * is one the grammar names; anything else is a 400 with the reason.
 *
 * The grammar is a subset of Cube's REST query format (Cube's docs, "Query
 * format"): the members, time dimensions with a granularity of the
 * dimension (standard or its custom ones), filters with Cube's operators
 * (but `measureFilter`, which Cube uses internally), order, limit/offset,
 * timezone, total, ungrouped, responseFormat, cache. SQL-API-only fields
 * (subqueryJoins, joinHints, maskedMembers) and member expressions are
 * refused. Filter values are checked against the member's type, so a value
 * that cannot be compared (`gt "abc"` on a number) is the caller's 400, not
 * the database's error text.
 * Limits: which rows and members a role may see is security/policy.ts.
 */
import type { Catalog, MemberInfo, ViewInfo } from './policy.js';

export const MAX_FILTER_DEPTH = 16;
export const MAX_FILTER_NODES = 500;
export const MAX_BLENDED_QUERIES = 10;
export const MAX_COMPARE_RANGES = 12;
export const MAX_MEMBERS = 100;
export const MAX_OFFSET = 1_000_000;
export const MAX_VALUES = 1000;
const MAX_TEXT = 1000;

/** Cube's standard granularities; a time dimension may add its own (custom granularities, listed in /meta). */
export const STANDARD_GRANULARITIES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
const OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'startsWith',
  'notStartsWith',
  'endsWith',
  'notEndsWith',
  'in',
  'notIn',
  'gt',
  'gte',
  'lt',
  'lte',
  'set',
  'notSet',
  'inDateRange',
  'notInDateRange',
  'onTheDate',
  'beforeDate',
  'beforeOrOnDate',
  'afterDate',
  'afterOrOnDate',
] as const;
type Operator = (typeof OPERATORS)[number];
const NO_VALUES: Operator[] = ['set', 'notSet'];
const DATE_RANGE_OPS: Operator[] = ['inDateRange', 'notInDateRange'];
const ONE_DATE_OPS: Operator[] = ['onTheDate', 'beforeDate', 'beforeOrOnDate', 'afterDate', 'afterOrOnDate'];
const TEXT_OPS: Operator[] = ['contains', 'notContains', 'startsWith', 'notStartsWith', 'endsWith', 'notEndsWith'];
const COMPARE_OPS: Operator[] = ['equals', 'notEquals', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte'];
/** Which operators a member of each type takes (the database cannot compare a text with a number, or order booleans). */
const OPERATORS_BY_TYPE: Record<string, Operator[]> = {
  string: [...COMPARE_OPS, ...TEXT_OPS, ...NO_VALUES],
  number: [...COMPARE_OPS, ...NO_VALUES],
  boolean: ['equals', 'notEquals', 'in', 'notIn', ...NO_VALUES],
  time: [...DATE_RANGE_OPS, ...ONE_DATE_OPS, ...COMPARE_OPS, ...NO_VALUES],
};

const QUERY_KEYS = new Set([
  'measures',
  'dimensions',
  'segments',
  'timeDimensions',
  'filters',
  'order',
  'limit',
  'offset',
  'timezone',
  'total',
  'ungrouped',
  'responseFormat',
  'cache',
  'cacheMode',
]);
const REFUSED_KEYS: Record<string, string> = {
  subqueryJoins: 'subqueryJoins is an SQL API feature and is not accepted on this API',
  joinHints: 'joinHints is an SQL API feature and is not accepted on this API',
  maskedMembers: 'maskedMembers is not accepted',
  renewQuery: 'renewQuery is not accepted (Cube refreshes on its own schedule)',
};
const TIME_DIMENSION_KEYS = new Set(['dimension', 'granularity', 'dateRange', 'compareDateRange']);
const FILTER_KEYS = new Set(['member', 'dimension', 'operator', 'values']);
const CACHE_MODES = ['stale-if-slow', 'stale-while-revalidate', 'must-revalidate', 'no-cache'];

/** Every name Object.prototype carries: used as a key in a plain object, each reads or changes what every object inherits. */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Function.prototype),
  'prototype',
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** A name part (view, member, granularity): a plain identifier and not one of Object.prototype's. */
function nameProblem(part: string): string | null {
  if (!NAME.test(part)) return 'is not a plain name (letters, digits, _)';
  if (PROTOTYPE_NAMES.has(part)) return 'is a reserved name';
  return null;
}

const show = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 80);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Keys anywhere in a parsed JSON body that are Object.prototype's names (`__proto__`, `constructor`, …): JSON.parse
 * makes them own keys, and any later copy by assignment would change a prototype. Walked without recursion.
 */
export function prototypeKeyProblem(value: unknown, maxNodes = 100_000): string | null {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: 'body' }];
  let nodes = 0;
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (++nodes > maxNodes) return `${path}: the body has more than ${maxNodes} values`;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]` }));
    else if (isObject(v)) {
      for (const key of Object.keys(v)) {
        if (PROTOTYPE_NAMES.has(key)) return `${path} has a key named "${key.slice(0, 40)}", which is reserved`;
        stack.push({ v: v[key], path: `${path}.${key.slice(0, 40)}` });
      }
    }
  }
  return null;
}

/** The view of a member name (GraphQL capitalises view names in orderBy). */
function viewOf(name: string, catalog: Catalog): ViewInfo | undefined {
  return catalog.get(name) ?? catalog.get(name.charAt(0).toLowerCase() + name.slice(1));
}

type Kind = 'measure' | 'dimension' | 'segment' | 'time' | 'any';

interface Names {
  catalog?: Catalog;
}

/**
 * A member reference: `view.member`, or (where a granularity may follow) `view.time_member.granularity`.
 * Returns the member's info (undefined without a catalog) or the problem.
 */
function member(
  where: string,
  m: unknown,
  kind: Kind,
  names: Names,
  allowGranularity = false,
): { problem: string } | { info?: MemberInfo } {
  if (typeof m !== 'string') return { problem: `${where} must be a member name (view.member), got ${show(m)}` };
  if (m.startsWith('{')) return { problem: `${where}: member expressions are not accepted ("${m.slice(0, 80)}")` };
  const parts = m.split('.');
  if (parts.length < 2 || parts.length > (allowGranularity ? 3 : 2))
    return { problem: `${where}: "${m.slice(0, 80)}" is not a member name (view.member)` };
  for (const part of parts) {
    const p = nameProblem(part);
    if (p) return { problem: `${where}: "${m.slice(0, 80)}" is not a member name (view.member): "${part.slice(0, 40)}" ${p}` };
  }
  const { catalog } = names;
  if (!catalog) return {};
  const view = viewOf(parts[0]!, catalog);
  if (!view)
    return {
      problem: `'${m.slice(0, 120)}' is not a public member: query the views (${[...catalog.keys()].sort().join(', ')})`,
    };
  const canonical = `${view.name}.${parts[1]}`;
  const info = view.info.get(canonical);
  if (!info) return { problem: `'${m.slice(0, 120)}' is not a member of the view '${view.name}'` };
  const granularity = parts[2];
  if (granularity !== undefined) {
    const p = granularityProblem(where, canonical, info, granularity);
    if (p) return { problem: p };
  }
  const want = kind === 'time' ? 'dimension' : kind;
  if (want !== 'any' && info.kind !== want) return { problem: `${where}: '${canonical}' is a ${info.kind}, not a ${want}` };
  if (kind === 'time' && info.type !== 'time') return { problem: `${where}: '${canonical}' is not a time dimension` };
  return { info };
}

function granularityProblem(where: string, dimension: string, info: MemberInfo | undefined, g: unknown): string | null {
  if (typeof g !== 'string') return `${where}: granularity must be a name, got ${show(g)}`;
  const allowed = [...STANDARD_GRANULARITIES, ...(info?.granularities ?? [])];
  if (info && info.type !== 'time') return `${where}: '${dimension}' is not a time dimension, so it takes no granularity`;
  if (!allowed.includes(g) || PROTOTYPE_NAMES.has(g))
    return `${where}: "${g.slice(0, 40)}" is not a granularity of '${dimension}' (${allowed.join(', ')})`;
  return null;
}

const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?$/;
/** A relative range Cube's date parser reads ("last 7 days", "this month", "from … to …"). */
const RELATIVE = /^[A-Za-z0-9 :.-]{1,64}$/;
function isDate(v: string): boolean {
  return DATE.test(v) && !Number.isNaN(Date.parse(v.slice(0, 10)));
}

function dateRangeProblem(where: string, r: unknown): string | null {
  if (typeof r === 'string') return RELATIVE.test(r) ? null : `${where} must be a date range such as "last 30 days"`;
  if (!Array.isArray(r) || r.length < 1 || r.length > 2 || !r.every((d) => typeof d === 'string' && isDate(d)))
    return `${where} must be a relative range or a list of one or two dates YYYY-MM-DD[THH:mm:ss]`;
  return null;
}

function timeDimensionsProblem(list: unknown, names: Names): string | null {
  if (!Array.isArray(list)) return 'timeDimensions must be a list';
  if (list.length > MAX_MEMBERS) return `timeDimensions may hold at most ${MAX_MEMBERS} entries`;
  let compare = 0;
  for (const [i, td] of list.entries()) {
    const where = `timeDimensions[${i}]`;
    if (!isObject(td)) return `${where} must be an object`;
    for (const key of Object.keys(td)) if (!TIME_DIMENSION_KEYS.has(key)) return `${where}: unknown field "${key.slice(0, 40)}"`;
    const found = member(`${where}.dimension`, td.dimension, 'time', names);
    if ('problem' in found) return found.problem;
    if (td.granularity !== undefined) {
      if (found.info) {
        const p = granularityProblem(`${where}.granularity`, String(td.dimension), found.info, td.granularity);
        if (p) return p;
      } else {
        // no model at hand: the form only (the model's check follows in the gateway)
        if (typeof td.granularity !== 'string') return `${where}.granularity must be a name, got ${show(td.granularity)}`;
        const n = nameProblem(td.granularity);
        if (n) return `${where}.granularity "${td.granularity.slice(0, 40)}" ${n}`;
      }
    }
    if (td.dateRange !== undefined && td.compareDateRange !== undefined)
      return `${where} may have a dateRange or a compareDateRange, not both`;
    if (td.dateRange !== undefined) {
      const p = dateRangeProblem(`${where}.dateRange`, td.dateRange);
      if (p) return p;
    }
    if (td.compareDateRange !== undefined) {
      compare++;
      const ranges = td.compareDateRange;
      if (!Array.isArray(ranges) || ranges.length < 1 || ranges.length > MAX_COMPARE_RANGES)
        return `${where}.compareDateRange must be a list of 1 to ${MAX_COMPARE_RANGES} date ranges`;
      for (const [j, r] of ranges.entries()) {
        const p = dateRangeProblem(`${where}.compareDateRange[${j}]`, r);
        if (p) return p;
      }
    }
  }
  if (compare > 1) return 'only one time dimension may have a compareDateRange';
  return null;
}

function valuesProblem(path: string, f: Record<string, unknown>, info: MemberInfo | undefined): string | null {
  const operator = f.operator as Operator;
  const values = f.values;
  if (NO_VALUES.includes(operator)) {
    if (values !== undefined && (!Array.isArray(values) || values.length > 0))
      return `${path}: the operator ${operator} takes no values`;
    return null;
  }
  if (!Array.isArray(values) || values.length === 0) return `${path}: the operator ${operator} needs values (a list)`;
  if (values.length > MAX_VALUES) return `${path}.values may hold at most ${MAX_VALUES} values`;
  if (!values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    return `${path}.values must be a list of strings`;
  const texts = values.map(String);
  if (texts.some((v) => v.length > MAX_TEXT)) return `${path}.values: a value is longer than ${MAX_TEXT} characters`;
  if (DATE_RANGE_OPS.includes(operator)) {
    if (texts.length === 1 && RELATIVE.test(texts[0]!)) return null;
    if (texts.length !== 2 || !texts.every(isDate))
      return `${path}: the operator ${operator} needs two dates YYYY-MM-DD (or one relative range)`;
    return null;
  }
  if (ONE_DATE_OPS.includes(operator)) {
    if (texts.length !== 1 || !isDate(texts[0]!)) return `${path}: the operator ${operator} needs one date YYYY-MM-DD`;
    return null;
  }
  const type = info?.type;
  if (type === 'number' && !texts.every((v) => v.trim() !== '' && Number.isFinite(Number(v))))
    return `${path}: '${f.member ?? f.dimension}' is a number, so its values must be numbers`;
  if (type === 'time' && !texts.every(isDate))
    return `${path}: '${f.member ?? f.dimension}' is a time, so its values must be dates`;
  if (type === 'boolean' && !texts.every((v) => v === 'true' || v === 'false'))
    return `${path}: '${f.member ?? f.dimension}' is a boolean, so its values must be true or false`;
  return null;
}

/** Walks nested and/or filters without recursion, so no depth can overflow the stack. */
function filtersProblem(filters: unknown, names: Names): string | null {
  if (filters === undefined) return null;
  if (!Array.isArray(filters)) return 'filters must be a list';
  const stack: { node: unknown; depth: number; path: string }[] = filters.map((node, i) => ({
    node,
    depth: 1,
    path: `filters[${i}]`,
  }));
  let nodes = 0;
  while (stack.length) {
    const { node, depth, path } = stack.pop()!;
    if (++nodes > MAX_FILTER_NODES) return `filters have more than ${MAX_FILTER_NODES} conditions`;
    if (depth > MAX_FILTER_DEPTH) return `filters are nested deeper than ${MAX_FILTER_DEPTH} levels (at ${path.slice(0, 120)}…)`;
    if (!isObject(node)) return `${path} must be an object`;
    if (node.and !== undefined || node.or !== undefined) {
      const which = node.and !== undefined ? 'and' : 'or';
      if (Object.keys(node).length !== 1) return `${path} must hold exactly one of and, or`;
      const group = node[which];
      if (!Array.isArray(group) || group.length === 0) return `${path}.${which} must be a non-empty list`;
      group.forEach((child, i) => stack.push({ node: child, depth: depth + 1, path: `${path}.${which}[${i}]` }));
      continue;
    }
    for (const key of Object.keys(node)) if (!FILTER_KEYS.has(key)) return `${path}: unknown field "${key.slice(0, 40)}"`;
    if ((node.member === undefined) === (node.dimension === undefined)) return `${path} must name one member (member)`;
    const found = member(`${path}.member`, node.member ?? node.dimension, 'any', names);
    if ('problem' in found) return found.problem;
    if (typeof node.operator !== 'string' || !(OPERATORS as readonly string[]).includes(node.operator))
      return `${path}.operator must be one of ${OPERATORS.join(', ')}`;
    if (found.info && found.info.kind === 'segment') return `${path}: a segment cannot be filtered; list it in segments`;
    const type = found.info?.type;
    if (type && OPERATORS_BY_TYPE[type] && !OPERATORS_BY_TYPE[type]!.includes(node.operator as Operator))
      return `${path}: the operator ${node.operator} does not apply to '${node.member ?? node.dimension}' (a ${type})`;
    const p = valuesProblem(path, node, found.info);
    if (p) return p;
  }
  return null;
}

function orderProblem(order: unknown, names: Names): string | null {
  if (order === undefined) return null;
  let entries: [unknown, unknown][];
  if (Array.isArray(order)) {
    if (!order.every((o) => Array.isArray(o) && o.length === 2)) return 'order must be a list of [member, "asc" | "desc"]';
    entries = order as [unknown, unknown][];
  } else if (isObject(order)) entries = Object.entries(order);
  else return 'order must be an object or a list';
  if (entries.length > MAX_MEMBERS) return `order may hold at most ${MAX_MEMBERS} entries`;
  for (const [i, [m, direction]] of entries.entries()) {
    const found = member(`order[${i}]`, m, 'any', names, true);
    if ('problem' in found) return found.problem;
    if (direction !== 'asc' && direction !== 'desc')
      return `order[${i}]: the direction must be "asc" or "desc", got ${show(direction)}`;
  }
  return null;
}

/** Zones Intl has accepted: building a DateTimeFormat to check one was a large part of a cached query's time. */
const KNOWN_ZONES = new Set<string>();

function timezoneProblem(zone: unknown): string | null {
  if (zone === undefined) return null;
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(zone) || PROTOTYPE_NAMES.has(zone))
    return `timezone must be an IANA time zone such as Asia/Tokyo, got ${show(zone)}`;
  if (KNOWN_ZONES.has(zone)) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    return `timezone must be an IANA time zone such as Asia/Tokyo, got ${show(zone)}`;
  }
  // Bounded: the names Intl accepts are a few hundred, in any case.
  if (KNOWN_ZONES.size < 1000) KNOWN_ZONES.add(zone);
  return null;
}

function oneQueryProblem(q: unknown, maxLimit: number, names: Names): string | null {
  if (!isObject(q)) return 'the query must be a JSON object';
  for (const key of Object.keys(q)) {
    if (REFUSED_KEYS[key]) return REFUSED_KEYS[key]!;
    if (!QUERY_KEYS.has(key)) return `unknown query field "${key.slice(0, 40)}"`;
  }
  const lists: [string, Kind, boolean][] = [
    ['measures', 'measure', false],
    ['dimensions', 'dimension', true],
    ['segments', 'segment', false],
  ];
  for (const [key, kind, granularity] of lists) {
    const list = q[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `${key} must be a list of member names`;
    if (list.length > MAX_MEMBERS) return `${key} may hold at most ${MAX_MEMBERS} members`;
    for (const [i, m] of list.entries()) {
      const found = member(`${key}[${i}]`, m, kind, names, granularity);
      if ('problem' in found) return found.problem;
    }
  }
  if (q.timeDimensions !== undefined) {
    const p = timeDimensionsProblem(q.timeDimensions, names);
    if (p) return p;
  }
  if (q.limit !== undefined && q.limit !== null) {
    if (!Number.isInteger(q.limit) || (q.limit as number) < 1 || (q.limit as number) > maxLimit) {
      return `limit must be a whole number from 1 to ${maxLimit}, got ${show(q.limit)}`;
    }
  }
  if (q.offset !== undefined && (!Number.isInteger(q.offset) || (q.offset as number) < 0 || (q.offset as number) > MAX_OFFSET))
    return `offset must be a whole number from 0 to ${MAX_OFFSET}, got ${show(q.offset)}`;
  for (const key of ['total', 'ungrouped'])
    if (q[key] !== undefined && typeof q[key] !== 'boolean') return `${key} must be true or false`;
  if (q.responseFormat !== undefined && !['default', 'compact', 'columnar'].includes(q.responseFormat as string))
    return 'responseFormat must be "default", "compact" or "columnar"';
  for (const key of ['cache', 'cacheMode'])
    if (q[key] !== undefined && !CACHE_MODES.includes(q[key] as string)) return `${key} must be one of ${CACHE_MODES.join(', ')}`;
  const zone = timezoneProblem(q.timezone);
  if (zone) return zone;
  return filtersProblem(q.filters, names) ?? orderProblem(q.order, names);
}

/**
 * null when the query (an object, a JSON text of one, or a list of them for blending) keeps to the grammar and, with
 * a catalog, names only what the model has; else the reason (answered 400). Without a catalog only names' form.
 */
export function queryProblem(input: unknown, maxLimit: number, catalog?: Catalog): string | null {
  let query = input;
  if (typeof input === 'string') {
    try {
      query = JSON.parse(input);
    } catch {
      return null; // Cube names the JSON error itself
    }
  }
  const keys = prototypeKeyProblem(query);
  if (keys) return keys.replace(/^body/, 'query');
  const names = { catalog };
  if (Array.isArray(query)) {
    if (query.length === 0) return 'a blending query needs at least one query';
    if (query.length > MAX_BLENDED_QUERIES) return `a blending query may hold at most ${MAX_BLENDED_QUERIES} queries`;
    for (const [i, q] of query.entries()) {
      const problem = oneQueryProblem(q, maxLimit, names);
      if (problem) return `query ${i + 1}: ${problem}`;
    }
    return null;
  }
  return oneQueryProblem(query, maxLimit, names);
}

/** The form of a query only (no model at hand): what the HTTP routes check before Cube parses anything. */
export function queryShapeProblem(input: unknown, maxLimit: number): string | null {
  return queryProblem(input, maxLimit);
}
