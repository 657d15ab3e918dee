/*
 * The shape of a Cube query, checked before Cube normalizes it: Cube's own
 * validation answers some hostile shapes with a 500 (a limit over the
 * maximum, member expressions, a non-array member list) or overflows its
 * stack on deeply nested filters. Here they get a reason, as a 400.
 * Limits: this checks shape and size only; which members exist and who may
 * see them is Cube's compiler and security/policy.ts.
 */

export const MAX_FILTER_DEPTH = 16;
export const MAX_FILTER_NODES = 500;
export const MAX_BLENDED_QUERIES = 10;
/** view.member, or view.time_dimension.granularity; nothing else (no expressions, quotes or SQL). */
const MEMBER = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const MEMBER_LISTS = ['measures', 'dimensions', 'segments'] as const;

function memberProblem(where: string, m: unknown): string | null {
  if (typeof m !== 'string') return `${where} must be a member name (view.member), got ${JSON.stringify(m)?.slice(0, 80)}`;
  if (m.startsWith('{')) return `${where}: member expressions are not accepted ("${m.slice(0, 80)}")`;
  if (!MEMBER.test(m)) return `${where}: "${m.slice(0, 80)}" is not a member name (view.member)`;
  return null;
}

/** Walks nested and/or filters without recursion, so no depth can overflow the stack. */
function filtersProblem(filters: unknown): string | null {
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
    if (!node || typeof node !== 'object' || Array.isArray(node)) return `${path} must be an object`;
    const f = node as { and?: unknown; or?: unknown; member?: unknown; dimension?: unknown; values?: unknown };
    const group = f.and ?? f.or;
    if (group !== undefined) {
      if (!Array.isArray(group)) return `${path}.${f.and !== undefined ? 'and' : 'or'} must be a list`;
      group.forEach((child, i) =>
        stack.push({ node: child, depth: depth + 1, path: `${path}.${f.and !== undefined ? 'and' : 'or'}[${i}]` }),
      );
      continue;
    }
    const problem = memberProblem(`${path}.member`, f.member ?? f.dimension);
    if (problem) return problem;
    if (
      f.values !== undefined &&
      (!Array.isArray(f.values) ||
        f.values.some((v) => v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean'))
    ) {
      return `${path}.values must be a list of strings`;
    }
  }
  return null;
}

function oneQueryProblem(q: unknown, maxLimit: number): string | null {
  if (!q || typeof q !== 'object' || Array.isArray(q)) return 'the query must be a JSON object';
  const query = q as Record<string, unknown>;
  for (const key of MEMBER_LISTS) {
    const list = query[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `${key} must be a list of member names`;
    for (const [i, m] of list.entries()) {
      const problem = memberProblem(`${key}[${i}]`, m);
      if (problem) return problem;
    }
  }
  if (query.timeDimensions !== undefined) {
    if (!Array.isArray(query.timeDimensions)) return 'timeDimensions must be a list';
    for (const [i, td] of query.timeDimensions.entries()) {
      const problem = memberProblem(`timeDimensions[${i}].dimension`, (td as { dimension?: unknown } | null)?.dimension);
      if (problem) return problem;
    }
  }
  if (query.limit !== undefined && query.limit !== null) {
    if (!Number.isInteger(query.limit) || (query.limit as number) < 1 || (query.limit as number) > maxLimit) {
      return `limit must be a whole number from 1 to ${maxLimit}, got ${JSON.stringify(query.limit)}`;
    }
  }
  return filtersProblem(query.filters);
}

/** null when the query (an object, or a list of them for blending) has an acceptable shape; else the reason. */
export function queryShapeProblem(input: unknown, maxLimit: number): string | null {
  let query = input;
  if (typeof input === 'string') {
    try {
      query = JSON.parse(input);
    } catch {
      return null;
    } // Cube names the JSON error itself.
  }
  if (Array.isArray(query)) {
    if (query.length === 0) return 'a blending query needs at least one query';
    if (query.length > MAX_BLENDED_QUERIES) return `a blending query may hold at most ${MAX_BLENDED_QUERIES} queries`;
    for (const [i, q] of query.entries()) {
      const problem = oneQueryProblem(q, maxLimit);
      if (problem) return `query ${i + 1}: ${problem}`;
    }
    return null;
  }
  return oneQueryProblem(query, maxLimit);
}
