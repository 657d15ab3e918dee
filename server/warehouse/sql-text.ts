/*
 * How the warehouse reads SQL text, in one place: where its comments
 * (`-- …` to the end of the line, `/* … *\/`), string literals ('…', '' inside)
 * and quoted identifiers ("…", "" inside) begin and end. The model runner
 * finds references in the code outside them (run-models.ts, stripSql), and
 * the PostgreSQL dialect rewrites only that code (dialect-postgres.ts, maskSql).
 */

export interface SqlSegment {
  kind: 'code' | 'comment' | 'string' | 'quoted';
  /** The segment's text as written (an unterminated literal or comment runs to the end). */
  text: string;
  /** A string or quoted identifier whose closing quote is there. */
  closed: boolean;
}

/** `sql` cut into code, comments, string literals and quoted identifiers, in order; the texts join back to `sql`. */
export function sqlSegments(sql: string): SqlSegment[] {
  const segments: SqlSegment[] = [];
  let code = 0;
  const push = (kind: SqlSegment['kind'], start: number, end: number, closed = true) => {
    if (start > code) segments.push({ kind: 'code', text: sql.slice(code, start), closed: true });
    segments.push({ kind, text: sql.slice(start, end), closed });
    code = end;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      push('comment', i, end < 0 ? sql.length : end);
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      push('comment', i, end < 0 ? sql.length : end + 2);
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      push(c === "'" ? 'string' : 'quoted', i, Math.min(j + 1, sql.length), j < sql.length);
    } else {
      i++;
      continue;
    }
    i = code;
  }
  if (code < sql.length) segments.push({ kind: 'code', text: sql.slice(code), closed: true });
  return segments;
}
