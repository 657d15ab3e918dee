/*
 * The PostgreSQL dialect layer: lets the warehouse models, written in
 * DuckDB's SQL, run unchanged on PostgreSQL (15+).
 *
 * Two parts, so that a model rarely needs editing:
 * - PRELUDE: functions, aggregates and operators DuckDB has and PostgreSQL
 *   lacks, created in the build's `main` schema (arg_min/arg_max via a
 *   rewrite, any_value, date_diff, epoch, strftime, to_days/to_months/
 *   to_microseconds, year/month, len, try_cast to integer, `//`, and `/` on
 *   integers returning double as in DuckDB). The build's search path puts
 *   `pg_catalog` after `main`, so these win over PostgreSQL's own where both
 *   exist with the same argument types.
 * - REWRITES: syntax that differs, applied to the code outside string
 *   literals and comments: `interval 1 month`, list literals `[…]`,
 *   `double`, `group by all`, a trailing comma before `from`,
 *   `unnest(generate_series(…))`, `median`, `mode`, `list`, `arg_min`/
 *   `arg_max`, `try_cast`, a hex cast `cast('0x' || … as bigint)`, and schema
 *   names mapped to the build's schemas.
 *
 * Limits (a model using these needs a portable edit): `select * exclude`,
 * lambdas, structs, `qualify`, `order by all` outside the data tests' sample
 * query, `group by all` over a select whose items hide an aggregate inside a
 * scalar subquery, and any DuckDB function not listed here — PostgreSQL then
 * answers "function … does not exist", and the build names the model.
 */

import { sqlSegments } from './sql-text.js';

/** The prelude, as statements; `%s` is the schema it is created in. */
export function preludeStatements(schema: string): string[] {
  const s = schema;
  // CREATE OPERATOR wants a function of exactly its argument types: one per pair.
  const pairs = ['integer', 'bigint'].flatMap((a) => ['integer', 'bigint'].map((b) => [a, b] as const));
  const operator = (op: string, fn: string, returns: string, body: string) =>
    pairs.flatMap(([a, b]) => [
      `create function ${s}.${fn}(${a}, ${b}) returns ${returns} immutable language sql as '${body}'`,
      `create operator ${s}.${op} (leftarg = ${a}, rightarg = ${b}, function = ${s}.${fn})`,
    ]);
  return [
    // DuckDB's `/` on integers is a float division; PostgreSQL's truncates.
    ...operator('/', 'rc_divide', 'double precision', 'select $1::float8 / $2::float8'),
    `create function ${s}.rc_any_value(anyelement, anyelement) returns anyelement immutable language sql as 'select coalesce($1, $2)'`,
    `create aggregate ${s}.any_value(anyelement) (sfunc = ${s}.rc_any_value, stype = anyelement)`,
    `create aggregate ${s}.list(anycompatible) (sfunc = pg_catalog.array_append, stype = anycompatiblearray, initcond = '{}')`,
    // date_diff(part, a, b): part boundaries crossed from a to b, as DuckDB counts them.
    `create function ${s}.date_diff(text, timestamp, timestamp) returns bigint immutable language sql as $$
      select case lower($1)
        when 'microsecond' then (trunc(extract(epoch from $3) * 1000000) - trunc(extract(epoch from $2) * 1000000))::bigint
        when 'millisecond' then (trunc(extract(epoch from $3) * 1000) - trunc(extract(epoch from $2) * 1000))::bigint
        when 'second' then (trunc(extract(epoch from $3)) - trunc(extract(epoch from $2)))::bigint
        when 'minute' then (trunc(extract(epoch from date_trunc('minute', $3)) / 60) - trunc(extract(epoch from date_trunc('minute', $2)) / 60))::bigint
        when 'hour' then (trunc(extract(epoch from date_trunc('hour', $3)) / 3600) - trunc(extract(epoch from date_trunc('hour', $2)) / 3600))::bigint
        when 'day' then ($3::date - $2::date)::bigint
        when 'month' then ((extract(year from $3) * 12 + extract(month from $3)) - (extract(year from $2) * 12 + extract(month from $2)))::bigint
        when 'year' then (extract(year from $3) - extract(year from $2))::bigint
      end $$`,
    `create function ${s}.date_diff(text, date, date) returns bigint immutable language sql as 'select date_diff($1, $2::timestamp, $3::timestamp)'`,
    `create function ${s}.epoch(timestamp) returns double precision immutable language sql as 'select extract(epoch from $1)::float8'`,
    `create function ${s}.epoch(timestamptz) returns double precision immutable language sql as 'select extract(epoch from $1)::float8'`,
    `create function ${s}.rc_strftime_format(text) returns text immutable language sql as $$
      select replace(replace(replace(replace(replace(replace(replace($1,
        '%Y', 'YYYY'), '%m', 'MM'), '%d', 'DD'), '%H', 'HH24'), '%M', 'MI'), '%S', 'SS'), '%%', '%') $$`,
    `create function ${s}.strftime(timestamp, text) returns text immutable language sql as 'select to_char($1, rc_strftime_format($2))'`,
    `create function ${s}.strftime(date, text) returns text immutable language sql as 'select to_char($1, rc_strftime_format($2))'`,
    `create function ${s}.to_days(bigint) returns interval immutable language sql as 'select make_interval(days => $1::int)'`,
    `create function ${s}.to_months(bigint) returns interval immutable language sql as 'select make_interval(months => $1::int)'`,
    `create function ${s}.to_microseconds(bigint) returns interval immutable language sql as 'select $1 * interval ''1 microsecond'''`,
    `create function ${s}.year(timestamp) returns bigint immutable language sql as 'select extract(year from $1)::bigint'`,
    `create function ${s}.year(date) returns bigint immutable language sql as 'select extract(year from $1)::bigint'`,
    `create function ${s}.month(timestamp) returns bigint immutable language sql as 'select extract(month from $1)::bigint'`,
    `create function ${s}.month(date) returns bigint immutable language sql as 'select extract(month from $1)::bigint'`,
    `create function ${s}.day(timestamp) returns bigint immutable language sql as 'select extract(day from $1)::bigint'`,
    `create function ${s}.day(date) returns bigint immutable language sql as 'select extract(day from $1)::bigint'`,
    `create function ${s}.len(anyarray) returns bigint immutable language sql as 'select coalesce(cardinality($1), 0)::bigint'`,
    `create function ${s}.make_date(bigint, bigint, bigint) returns date immutable language sql as 'select pg_catalog.make_date($1::int, $2::int, $3::int)'`,
    // DuckDB's date_trunc on a date stays a timestamp (PostgreSQL's would be timestamptz, in the session zone).
    `create function ${s}.date_trunc(text, date) returns timestamp immutable language sql as 'select pg_catalog.date_trunc($1, $2::timestamp)'`,
    `create function ${s}.rc_to_double(boolean) returns double precision immutable language sql as 'select case when $1 then 1.0 when not $1 then 0.0 end::float8'`,
    `create function ${s}.rc_to_double(double precision) returns double precision immutable language sql as 'select $1'`,
    `create function ${s}.rc_try_cast_integer(text) returns integer immutable language plpgsql as $$
      begin return $1::integer; exception when others then return null; end $$`,
  ];
}

/** Names of the functions and aggregates the prelude supplies (DuckDB's, absent from PostgreSQL). */
export function preludeFunctionNames(): string[] {
  const names = preludeStatements('x').flatMap((st) => /^create (?:function|aggregate) x\.([a-z_]+)\(/.exec(st)?.[1] ?? []);
  return [...new Set(names.filter((n) => !n.startsWith('rc_')))].sort();
}

/** The build's search path on PostgreSQL: the models' schemas, then pg_catalog (so the prelude wins). */
export function postgresSearchPath(schemas: readonly string[]): string {
  return [...schemas, 'pg_catalog'].map((name) => `"${name}"`).join(', ');
}

/**
 * The SQL with string literals, quoted identifiers and comments blanked to
 * spaces (same length), so rules match code only.
 */
export function maskSql(sql: string): string {
  return sqlSegments(sql)
    .map(({ kind, text }) => {
      if (kind === 'code') return text;
      if (kind === 'comment') return text.replace(/[^\n]/g, ' ');
      const quote = text[0]!;
      return quote + ' '.repeat(Math.max(0, text.length - 2)) + (text.length >= 2 ? quote : '');
    })
    .join('');
}

type Replacer = (match: RegExpExecArray, sql: string, masked: string) => { end?: number; text: string } | undefined;

/** Applies `replacer` to each match of `pattern` in the code (not in literals or comments), from the end. */
function rewriteCode(sql: string, pattern: RegExp, replacer: Replacer): string {
  const masked = maskSql(sql);
  const matches = [...masked.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))];
  let out = sql;
  for (const m of matches.reverse()) {
    const r = replacer(m, out, masked);
    if (!r) continue;
    out = out.slice(0, m.index) + r.text + out.slice(r.end ?? m.index + m[0].length);
  }
  return out;
}

/** Index of the parenthesis closing the one at `open`, in masked text. */
function closingParen(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced parentheses at character ${open}`);
}

/** The top-level comma-separated parts of masked[from, to), as [start, end) ranges. */
function splitTopLevel(masked: string, from: number, to: number): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const c = masked[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}

/** Rewrites each call `name(args)` through `build(argTexts, tail)`; `tail` is what follows the call. */
function rewriteCalls(sql: string, name: string, build: (args: string[]) => string): string {
  return rewriteCode(sql, new RegExp(`(?<![\\w.])${name}\\s*\\(`, 'i'), (m, text, masked) => {
    const open = m.index + m[0].length - 1;
    const close = closingParen(masked, open);
    const args = splitTopLevel(masked, open + 1, close).map(([a, b]) => text.slice(a, b).trim());
    return { end: close + 1, text: build(args) };
  });
}

const AGGREGATES = new Set([
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'median',
  'mode',
  'any_value',
  'arg_min',
  'arg_max',
  'bool_or',
  'bool_and',
  'list',
  'array_agg',
  'string_agg',
  'percentile_cont',
  'percentile_disc',
  'stddev',
  'stddev_samp',
  'variance',
]);

/** True when a select item (masked) calls an aggregate outside any nested select. */
function isAggregateItem(item: string): boolean {
  let depth = 0;
  let skipBelow = -1;
  const tokens = item.matchAll(/\(|\)|\bselect\b|([a-z_][a-z0-9_]*)\s*(?=\()/gi);
  for (const t of tokens) {
    if (t[0] === '(') depth++;
    else if (t[0] === ')') {
      depth--;
      if (skipBelow >= 0 && depth < skipBelow) skipBelow = -1;
    } else if (t[0].toLowerCase() === 'select') {
      if (skipBelow < 0) skipBelow = depth;
    } else if (skipBelow < 0 && AGGREGATES.has(t[1]!.toLowerCase())) return true;
  }
  return false;
}

/** `group by all` → `group by <positions of the non-aggregate select items>` (nothing when there are none). */
function expandGroupByAll(sql: string): string {
  return rewriteCode(sql, /\bgroup\s+by\s+all\b/i, (m, _text, masked) => {
    // Walk back to the `select` opening this query block (same parenthesis depth).
    let depth = 0;
    let selectAt = -1;
    for (let i = m.index - 1; i >= 0; i--) {
      const c = masked[i];
      if (c === ')') depth++;
      else if (c === '(') {
        if (depth === 0) break;
        depth--;
      } else if (
        depth === 0 &&
        /select/i.test(masked.slice(i, i + 6)) &&
        !/\w/.test(masked[i - 1] ?? ' ') &&
        !/\w/.test(masked[i + 6] ?? ' ')
      ) {
        selectAt = i;
        break;
      }
    }
    if (selectAt < 0) throw new Error(`"group by all" at character ${m.index} has no select before it`);
    let listStart = selectAt + 6;
    const distinct = /^\s+distinct\b/i.exec(masked.slice(listStart));
    if (distinct) listStart += distinct[0].length;
    // The select list ends at the first top-level `from`.
    let listEnd = m.index;
    depth = 0;
    for (let i = listStart; i < m.index; i++) {
      const c = masked[i];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (depth === 0 && /^from\b/i.test(masked.slice(i, i + 5)) && !/\w/.test(masked[i - 1] ?? ' ')) {
        listEnd = i;
        break;
      }
    }
    const items = splitTopLevel(masked, listStart, listEnd)
      .map(([a, b]) => masked.slice(a, b))
      .filter((item) => item.trim() !== '');
    const positions = items.flatMap((item, i) => (isAggregateItem(item) ? [] : [String(i + 1)]));
    return { text: positions.length ? `group by ${positions.join(', ')}` : '' };
  });
}

/** `(expr)::double` → `rc_to_double(expr)` (PostgreSQL has no boolean → double cast; the prelude's function does both). */
function castParenthesisedToDouble(sql: string): string {
  const masked = maskSql(sql);
  let out = sql;
  for (const m of [...masked.matchAll(/\)\s*::\s*double\b(?!\s+precision)/gi)].reverse()) {
    let depth = 0;
    let open = m.index;
    for (; open >= 0; open--) {
      if (masked[open] === ')') depth++;
      else if (masked[open] === '(' && --depth === 0) break;
    }
    if (open < 0) continue;
    out = `${out.slice(0, open)}rc_to_double${out.slice(open, m.index + 1)}${out.slice(m.index + m[0].length)}`;
  }
  return out;
}

const CLAUSE_WORDS =
  /^\s*(where|group|order|limit|offset|having|window|union|except|intersect|join|left|right|inner|full|cross|natural|on|using|qualify|\)|$)/i;

/** PostgreSQL 15 wants an alias on every subquery in FROM; DuckDB does not. */
function aliasSubqueries(sql: string): string {
  const masked = maskSql(sql);
  let out = sql;
  let n = 0;
  const inserts: number[] = [];
  for (const m of masked.matchAll(/\b(from|join)\s*\(\s*(select|with|values)\b/gi)) {
    const open = masked.indexOf('(', m.index);
    const close = closingParen(masked, open);
    if (CLAUSE_WORDS.test(masked.slice(close + 1)) || /^\s*[,;]/.test(masked.slice(close + 1))) inserts.push(close + 1);
  }
  for (const at of inserts.sort((a, b) => b - a)) out = `${out.slice(0, at)} as rc_subquery_${++n}${out.slice(at)}`;
  return out;
}

/** The operand of a binary operator ending just before `end` (backwards) or starting at `start` (forwards), in masked text. */
function operandBefore(masked: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(masked[i - 1]!)) i--;
  if (masked[i - 1] === ')') {
    let depth = 0;
    for (i = i - 1; i >= 0; i--) {
      if (masked[i] === ')') depth++;
      else if (masked[i] === '(' && --depth === 0) break;
    }
  }
  while (i > 0 && /[\w.]/.test(masked[i - 1]!)) i--;
  return i;
}

function operandAfter(masked: string, start: number): number {
  let i = start;
  while (i < masked.length && /\s/.test(masked[i]!)) i++;
  while (i < masked.length && /[\w.]/.test(masked[i]!)) i++;
  if (masked[i] === '(') i = closingParen(masked, i) + 1;
  return i;
}

/** `a // b` → `cast(div(a, b) as bigint)`: a custom operator would bind looser than `+` in PostgreSQL. */
function integerDivisions(sql: string): string {
  let out = sql;
  for (;;) {
    const masked = maskSql(out);
    const at = masked.lastIndexOf('//');
    if (at < 0) return out;
    const from = operandBefore(masked, at);
    const to = operandAfter(masked, at + 2);
    out = `${out.slice(0, from)}cast(div(${out.slice(from, at).trim()}, ${out.slice(at + 2, to).trim()}) as bigint)${out.slice(to)}`;
  }
}

/** Index of the first top-level clause keyword (`where|group|order|limit|having|window|union`) at or after `from`, or the end. */
function clauseEnd(masked: string, from: number, words = 'where|group|order|limit|having|window|union|qualify'): number {
  let depth = 0;
  const re = new RegExp(`^(${words})\\b`, 'i');
  for (let i = from; i < masked.length; i++) {
    const c = masked[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && !/\w/.test(masked[i - 1] ?? ' ') && re.test(masked.slice(i, i + 8))) return i;
  }
  return masked.length;
}

/** `… anti join t a on cond [where w]` → `… where not exists (select 1 from t a where cond) [and (w)]`. */
function antiJoins(sql: string): string {
  let out = sql;
  for (;;) {
    const masked = maskSql(out);
    const m = /\banti\s+join\s+([\s\S]*?)\s+on\s+/i.exec(masked);
    if (!m) return out;
    const condStart = m.index + m[0].length;
    const condEnd = clauseEnd(masked, condStart);
    const table = out.slice(m.index + m[0].indexOf(m[1]!), m.index + m[0].indexOf(m[1]!) + m[1]!.length);
    const exists = `not exists (select 1 from ${table} where ${out.slice(condStart, condEnd).trim()})`;
    const rest = out.slice(condEnd);
    const where = /^\s*where\b/i.exec(maskSql(rest));
    out = where
      ? `${out.slice(0, m.index)}where ${exists} and ${rest.slice(where[0].length)}`
      : `${out.slice(0, m.index)}where ${exists}\n${rest}`;
  }
}

/** A whole statement `select … qualify c` → the rows of `select …, c` where c holds (the extra column stays). */
function qualifyToWhere(sql: string): string {
  const masked = maskSql(sql);
  const m = /\bqualify\b/i.exec(masked);
  if (!m || !/^\s*select\b/i.test(masked)) return sql;
  const end = clauseEnd(masked, m.index + 7, 'order|limit');
  const lists = selectLists(masked);
  const [, listEnd] = lists[0]!;
  const condition = sql.slice(m.index + 7, end).trim();
  return (
    `select * from (${sql.slice(0, listEnd).trimEnd()}, (${condition}) as rc_qualify ${sql.slice(listEnd, m.index)}) as rc_qualified ` +
    `where rc_qualify ${sql.slice(end)}`
  );
}

/** A whole statement `select … where c` without FROM (DuckDB lets c use the select's aliases) → a subquery. */
function whereWithoutFrom(sql: string): string {
  const masked = maskSql(sql);
  if (!/^\s*select\b/i.test(masked)) return sql;
  const [start, end] = selectLists(masked)[0]!;
  if (!/^where\b/i.test(masked.slice(end, end + 5))) return sql;
  return `select * from (select ${sql.slice(start, end).trim()}) as rc_selected ${sql.slice(end)}`;
}

/** Applies a whole-statement rewrite to the statement and to every parenthesised `(select …)` in it, innermost last-first. */
function inEveryQuery(sql: string, rewrite: (query: string) => string): string {
  let out = sql;
  const count = [...maskSql(out).matchAll(/\(\s*select\b/gi)].length;
  for (let k = count - 1; k >= 0; k--) {
    const masked = maskSql(out);
    const m = [...masked.matchAll(/\(\s*select\b/gi)][k]!;
    const close = closingParen(masked, m.index);
    out = `${out.slice(0, m.index + 1)}${rewrite(out.slice(m.index + 1, close))}${out.slice(close)}`;
  }
  return rewrite(out);
}

/** Rewrites one statement from DuckDB's dialect to PostgreSQL's; `schemas` maps schema names (raw → the build's). */
export function toPostgres(sql: string, schemas: Readonly<Record<string, string>> = {}): string {
  let out = sql;
  const names = Object.keys(schemas);
  if (names.length) {
    out = rewriteCode(out, new RegExp(`(?<![\\w."])(${names.join('|')})\\s*\\.(?=\\s*[a-z_"])`, 'i'), (m) => ({
      text: `"${schemas[m[1]!.toLowerCase()]}".`,
    }));
  }
  out = rewriteCode(out, /\binterval\s+(\d+)\s+(microsecond|millisecond|second|minute|hour|day|week|month|year)s?\b/i, (m) => ({
    text: `interval '${m[1]} ${m[2]}'`,
  }));
  out = rewriteCode(out, /\bunnest\s*\(\s*generate_series\s*\(/i, () => ({ text: '(generate_series(' }));
  out = rewriteCode(out, /\[\s*\]/, (m, _t, masked) =>
    /[\w\])]\s*$/.test(masked.slice(0, m.index)) ? undefined : { text: `'{}'` },
  );
  out = rewriteCode(out, /\[/, (m, _t, masked) =>
    /[\w\])]\s*$/.test(masked.slice(0, m.index)) ? undefined : { text: 'array[' },
  );
  // PostgreSQL has no boolean → double cast: `(x = 1)::double` goes through the prelude's rc_to_double.
  out = castParenthesisedToDouble(out);
  out = rewriteCode(out, /\bdouble\b(?!\s+precision)/i, () => ({ text: 'double precision' }));
  out = rewriteCode(
    out,
    /\bunpivot\s+([a-z_][a-z0-9_]*)\s+on\s+([a-z_][a-z0-9_]*(?:\s*,\s*[a-z_][a-z0-9_]*)*)\s+into\s+name\s+([a-z_][a-z0-9_]*)\s+value\s+([a-z_][a-z0-9_]*)/i,
    (m) => {
      const [, source, list, name, value] = m as unknown as string[];
      const cells = list!.split(',').map((c) => `('${c.trim()}', rc_unpivoted.${c.trim()})`);
      // DuckDB's UNPIVOT leaves out NULL cells unless INCLUDE NULLS is given.
      return {
        text:
          `select rc_unpivoted.*, rc_cells.${name}, rc_cells.${value} from ${source} as rc_unpivoted ` +
          `cross join lateral (values ${cells.join(', ')}) as rc_cells(${name}, ${value}) where rc_cells.${value} is not null`,
      };
    },
  );
  out = rewriteCode(out, /,(\s*)\bfrom\b/i, (m) => ({ text: `${m[1]}from` }));
  out = rewriteCode(out, /\btry_cast\s*\(/i, (m, text, masked) => {
    const open = m.index + m[0].length - 1;
    const close = closingParen(masked, open);
    const inner = /^([\s\S]*)\s+as\s+integer\s*$/i.exec(text.slice(open + 1, close));
    return inner ? { end: close + 1, text: `rc_try_cast_integer(cast(${inner[1]} as text))` } : undefined;
  });
  // DuckDB reads '0x…' text cast to an integer as hex (stable_number in sql-macros.ts, up to 15 digits); PostgreSQL
  // 15 does not, and reads the digits as a bit string instead.
  out = rewriteCode(out, /\bcast\s*\(/i, (m, text, masked) => {
    const open = m.index + m[0].length - 1;
    const close = closingParen(masked, open);
    const hex = /^\s*'0x'\s*\|\|\s*([\s\S]*?)\s+as\s+bigint\s*$/i.exec(text.slice(open + 1, close));
    return hex ? { end: close + 1, text: `('x' || lpad(${hex[1]}, 16, '0'))::bit(64)::bigint` } : undefined;
  });
  out = rewriteCalls(out, 'median', ([x]) => `percentile_cont(0.5) within group (order by ${x})`);
  out = rewriteCalls(out, 'mode', (args) =>
    args.length === 1 && args[0] ? `mode() within group (order by ${args[0]})` : `mode(${args.join(', ')})`,
  );
  out = rewriteCalls(out, 'arg_max', ([a, b]) => `(array_agg(${a} order by ${b} desc) filter (where ${b} is not null))[1]`);
  out = rewriteCalls(out, 'arg_min', ([a, b]) => `(array_agg(${a} order by ${b}) filter (where ${b} is not null))[1]`);
  out = integerDivisions(out);
  out = antiJoins(out);
  out = inEveryQuery(out, qualifyToWhere);
  out = inEveryQuery(out, whereWithoutFrom);
  out = expandGroupByAll(out);
  out = aliasSubqueries(out);
  // The data tests' sample query orders by every column of its subquery.
  out = rewriteCode(out, /\)\s*as\s+([a-z_][a-z0-9_]*)\s+order\s+by\s+all\b/i, (m) => ({
    text: `) as ${m[1]} order by ${m[1]}`,
  }));
  return out;
}

/** Ranges [start, end) of every select list in masked SQL (after `select [distinct]`, up to its `from` or block end). */
function selectLists(masked: string): [number, number][] {
  const lists: [number, number][] = [];
  for (const m of masked.matchAll(/\bselect\b(\s+distinct\b)?/gi)) {
    const start = m.index + m[0].length;
    let depth = 0;
    let end = masked.length;
    for (let i = start; i < masked.length; i++) {
      const c = masked[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) {
          end = i;
          break;
        }
        depth--;
      } else if (
        depth === 0 &&
        /^(from|where|group|order|limit|union|having|window)\b/i.test(masked.slice(i, i + 6)) &&
        !/\w/.test(masked[i - 1] ?? ' ')
      ) {
        end = i;
        break;
      }
    }
    lists.push([start, end]);
  }
  return lists;
}

/**
 * DuckDB lets a select item use an alias defined before it in the same list
 * (`… as as_of_at, cast(as_of_at as date)`); PostgreSQL does not. Called when
 * PostgreSQL answers `column "<name>" does not exist`: in each select list
 * that defines `<name>` with `as`, later items get the defining expression
 * inlined in parentheses. Returns the SQL unchanged when no list does.
 */
export function inlineLateralAlias(sql: string, name: string): string {
  const masked = maskSql(sql);
  const edits: { start: number; end: number; text: string }[] = [];
  const alias = new RegExp(`\\s+as\\s+"?${name}"?\\s*$`, 'i');
  const use = new RegExp(`(?<![\\w."])${name}(?![\\w"(])`, 'gi');
  for (const [start, end] of selectLists(masked)) {
    const items = splitTopLevel(masked, start, end);
    const at = items.findIndex(([a, b]) => alias.test(masked.slice(a, b)));
    if (at < 0) continue;
    const [a, b] = items[at]!;
    const aliasMatch = alias.exec(masked.slice(a, b))!;
    const expression = sql.slice(a, a + aliasMatch.index).trim();
    for (const [from, to] of items.slice(at + 1)) {
      for (const m of masked.slice(from, to).matchAll(use)) {
        const before = masked.slice(from, from + m.index);
        if (/\bas\s+$/i.test(before)) continue; // a later alias of the same name, not a use
        edits.push({ start: from + m.index, end: from + m.index + m[0].length, text: `(${expression})` });
      }
    }
  }
  let out = sql;
  for (const e of edits.sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
