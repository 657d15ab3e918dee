/*
 * Dates and times as exports write them, read in the source's time zone and
 * returned as UTC ISO 8601 (`2024-04-03T00:15:00Z`), the form the canonical
 * tables take.
 *
 * Accepted without configuration: ISO 8601 with `Z` or an offset (Salesforce
 * Data Loader, Marketo bulk exports); `2024-04-03 09:15` (HubSpot exports);
 * `2024/04/03 9:15` and `2024/4/3` (Salesforce reports and Excel in Japan);
 * `2024年4月3日` with an optional `9時15分` or `9:15`; 13-digit epoch
 * milliseconds. Anything else needs a luxon `date_format` in the mapping.
 * Times without an offset are local times of the zone given; a local time
 * that does not exist (a DST gap) moves forward as luxon moves it.
 *
 * Zone offsets are computed with luxon once per local hour and cached, so a
 * file of ten million rows does not pay luxon's price per row.
 */
import { DateTime } from 'luxon';

const LOCAL =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T|\s*(?=\d))(\d{1,2})\s*[:時]\s*(\d{1,2})\s*(?:[:分]\s*(\d{1,2})?\s*(?:\.(\d{1,9}))?\s*秒?)?)?$/;
const OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const NON_ASCII = /[^\u0000-\u007f]/u; // eslint-disable-line no-control-regex -- a range of code points, not a control character to match

export class DateReader {
  private readonly offsets = new Map<number, number>();
  /** Epoch ms of the last successful read (saves the caller a Date.parse per cell). */
  lastMs = NaN;
  /** Epoch ms of the latest time read so far (the data's latest time, when as_of comes from the data). */
  maxMs = -Infinity;

  constructor(
    /** IANA zone of times written without an offset, e.g. Asia/Tokyo. */
    readonly zone: string,
    /** luxon format tried first (mapping's date_format), e.g. "M/d/yyyy h:mm a". */
    readonly format?: string,
  ) {
    if (!DateTime.local().setZone(zone).isValid) throw new Error(`Unknown time zone "${zone}"`);
  }

  /** UTC ISO string, or undefined when the value is not a date this reader knows. */
  read(raw: string): string | undefined {
    const v = (NON_ASCII.test(raw) ? raw.normalize('NFKC') : raw).trim();
    if (v === '') return undefined;
    if (this.format) {
      const d = DateTime.fromFormat(v, this.format, { zone: this.zone, setZone: false });
      if (d.isValid) return this.done(d.toMillis());
    }
    const m = LOCAL.exec(v);
    if (m) {
      const [y, mo, d, h = '0', mi = '0', s = '0', frac] = [m[1]!, m[2]!, m[3]!, m[4], m[5], m[6], m[7]];
      return this.local(+y, +mo, +d, +h, +mi, +s, frac ? Number(`0.${frac}`) * 1000 : 0);
    }
    if (OFFSET.test(v) && /^\d{4}-\d{2}-\d{2}T/.test(v)) {
      const d = DateTime.fromISO(v, { setZone: true });
      return d.isValid ? this.done(d.toMillis()) : undefined;
    }
    if (/^\d{13}$/.test(v)) return this.done(Number(v));
    return undefined;
  }

  /**
   * Why `raw` is not a date: "impossible date …" when it has a date's form
   * but no such day or time exists (2025/13/45, 2024-02-30, 25:00), else
   * "unknown date format" (a date_format in the mapping can then read it).
   */
  explain(raw: string): { reason: string; suggestion: string } {
    const v = (NON_ASCII.test(raw) ? raw.normalize('NFKC') : raw).trim();
    const m = LOCAL.exec(v) ?? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(v);
    if (m) {
      const [y, mo, d, h = '0', mi = '0', s = '0'] = [+m[1]!, +m[2]!, +m[3]!, m[4], m[5], m[6]];
      const wrong =
        mo < 1 || mo > 12
          ? `no month ${mo}`
          : d < 1 || d > (mo === 2 && leap(y) ? 29 : DAYS[mo - 1]!)
            ? `no day ${d} in ${y}-${String(mo).padStart(2, '0')}`
            : +h > 23 || +mi > 59 || +s > 59
              ? `no time ${h}:${mi}${s !== '0' ? `:${s}` : ''}`
              : undefined;
      if (wrong) return { reason: `impossible date (${wrong})`, suggestion: 'correct the date in the source system' };
    }
    return {
      reason: 'unknown date format',
      suggestion: this.format
        ? `it matches neither date_format "${this.format}" nor a built-in form`
        : 'give the format as date_format (luxon tokens) in a mapping file',
    };
  }

  private done(ms: number): string {
    this.lastMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
    return iso(ms);
  }

  private local(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): string | undefined {
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
    if (d > (mo === 2 && leap(y) ? 29 : DAYS[mo - 1]!)) return undefined; // 2024-02-30
    const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    const hourKey = Math.floor(wall / 3_600_000);
    let offset = this.offsets.get(hourKey);
    if (offset === undefined) {
      const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi }, { zone: this.zone });
      offset = dt.offset; // minutes east of UTC
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(hourKey, offset);
    }
    return this.done(wall - offset * 60_000);
  }
}

/** `2024-04-03T00:15:00Z`, milliseconds only when there are some. */
export function iso(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, 19)}Z` : s;
}
