/*
 * Every number and period the dashboard shows goes through this module, so
 * that a figure reads the same on every card.
 *
 * - Money: JPY in Japanese uses 万 (10^4) and 億 (10^8) — 1,234万円,
 *   1.23億円; in English it uses K / M / B — ¥12.3M. Other currencies fall
 *   back to Intl's compact currency format. `compact: false` gives the full
 *   figure (tables, tooltips, CSV-like precision).
 * - Percent takes a ratio (0.123 → 12.3%); days take a number of days.
 * - A percentage of a target or plan and a percentage change never read
 *   alike: attainment is unsigned and names its basis ("65% of target",
 *   目標比 65%; `formatAttainment`), a change always carries its sign
 *   ("−35.0%", "+1.2pt"; `formatSignedPercent`, `formatSignedPoints`), and a
 *   gap in money is a signed amount (`formatSignedYen`). So a forecast at
 *   65 % of target can never be read as "minus 65 %".
 * - Fiscal periods follow `fiscal_year_start_month` from settings (April by
 *   default): FY2025 = 2025-04-01 … 2026-03-31, shown as 2025年度 / FY2025.
 * - null, undefined and non-finite values show as an en dash, never as 0.
 * - Digits are grouped alike in ja and en (1,234.5): counts, numbers and percents take a locale only so that
 *   every formatter is called alike (format-decimal.ts).
 *
 * Limits: no locale beyond ja and en; fiscal years are named by the
 * calendar year they start in (the Japanese convention 年度; the rule and the
 * default start month are server/contract/vocabulary.ts's, shared with the marts).
 */
import { DEFAULT_FISCAL_YEAR_START_MONTH, fiscalMonthNumber, fiscalYearOfMonth } from '../../../server/contract/vocabulary';
import { formatDecimal } from './format-decimal';

export type Locale = 'ja' | 'en';

export const DASH = '–';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const languageTag = (locale: Locale) => (locale === 'ja' ? 'ja-JP' : 'en-US');

const formatters = new Map<string, Intl.NumberFormat>();

/** The options a currency other than JPY is formatted with: each one is part of the formatter's cache key. */
type NumberOptions = Pick<Intl.NumberFormatOptions, 'style' | 'currency' | 'notation' | 'maximumFractionDigits'>;

/**
 * One Intl.NumberFormat per locale and option set, for currencies other than JPY only (their symbols and compact
 * forms need ICU's data); the key is the options' fields joined, not JSON.stringify (a card formats hundreds of figures
 * per render).
 */
function numberFormat(locale: Locale, options: NumberOptions): Intl.NumberFormat {
  const { style, currency, notation, maximumFractionDigits: max } = options;
  const key = `${locale}|${style}|${currency}|${notation}|${max}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(languageTag(locale), options);
    formatters.set(key, format);
  }
  return format;
}

export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Rounds to `sig` significant digits, then trims trailing zeros (1.20 → 1.2). */
function significant(value: number, sig: number): string {
  const abs = Math.abs(value);
  const intDigits = abs >= 1 ? Math.floor(Math.log10(abs)) + 1 : 1;
  const decimals = Math.max(0, sig - intDigits);
  return formatDecimal(value, decimals);
}

export function formatCount(v: unknown, _locale: Locale = 'ja'): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  return formatDecimal(Math.round(n));
}

/** A number with up to `digits` decimals (rates like LTV:CAC 3.2). */
export function formatNumber(v: unknown, _locale: Locale = 'ja', digits = 1): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  return formatDecimal(n, digits);
}

export interface MoneyOptions {
  currency?: string;
  /** Abbreviate (万/億, K/M/B); default true. */
  compact?: boolean;
}

export function formatYen(v: unknown, locale: Locale = 'ja', options: MoneyOptions = {}): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  const currency = options.currency ?? 'JPY';
  const compact = options.compact ?? true;
  if (currency !== 'JPY') {
    return numberFormat(locale, {
      style: 'currency',
      currency,
      notation: compact ? 'compact' : 'standard',
      maximumFractionDigits: compact ? 1 : 0,
    }).format(n);
  }
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (locale === 'ja') {
    if (!compact || abs < 10_000) return `${sign}${formatDecimal(Math.round(abs))}円`;
    if (abs < 100_000_000) {
      const man = abs / 10_000;
      const text = man < 100 ? significant(man, 3) : formatDecimal(Math.round(man));
      // 9,999.6万 rounds to 10,000万: say 1億 instead.
      if (text === '10,000') return `${sign}1億円`;
      return `${sign}${text}万円`;
    }
    return `${sign}${significant(abs / 100_000_000, 3)}億円`;
  }
  if (!compact || abs < 1_000) return `${sign}¥${formatDecimal(Math.round(abs))}`;
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const scaled = abs / size;
      const text = significant(scaled, 3);
      return `${sign}¥${text}${unit}`;
    }
  }
  return `${sign}¥${abs}`;
}

/** A ratio as percent: 0.1234 → 12.3%. */
export function formatPercent(v: unknown, _locale: Locale = 'ja', digits = 1): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  // −0.0004 rounds to "-0%": show 0 without a sign.
  const scaled = Math.abs(n * 100) < 0.5 * 10 ** -digits ? 0 : n * 100;
  return `${formatDecimal(scaled, digits, digits)}%`;
}

/** A signed change in percentage points or percent: +3.2% / −1.0%. */
export function formatSignedPercent(v: unknown, locale: Locale = 'ja', digits = 1): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  return withSign(n, formatPercent(Math.abs(n), locale, digits));
}

/** A magnitude's text with the sign of `n`: + above zero, − (U+2212) below, ± at zero. */
function withSign(n: number, text: string): string {
  return n > 0 ? `+${text}` : n < 0 ? `−${text}` : `±${text}`;
}

/** A change of a ratio in percentage points: 0.012 → +1.2pt. */
export function formatSignedPoints(v: unknown, _locale: Locale = 'ja', digits = 1): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  const points = Math.abs(n * 100) < 0.5 * 10 ** -digits ? 0 : n * 100;
  const text = formatDecimal(Math.abs(points), digits, digits);
  return withSign(points, `${text}pt`);
}

export type AttainmentBasis = 'target' | 'plan';

/** Attainment, actual ÷ target (or plan), unsigned and naming its basis: 0.65 → "65% of target" / "目標比 65%". */
export function formatAttainment(v: unknown, locale: Locale = 'ja', basis: AttainmentBasis = 'target', digits = 0): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  const pct = formatPercent(n, locale, digits);
  if (locale === 'ja') return `${basis === 'target' ? '目標比' : '計画比'} ${pct}`;
  return `${pct} of ${basis}`;
}

export function formatSignedYen(v: unknown, locale: Locale = 'ja', options: MoneyOptions = {}): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  return withSign(n, formatYen(Math.abs(n), locale, options));
}

export function formatDays(v: unknown, locale: Locale = 'ja', digits = 1): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  const text = formatDecimal(n, digits);
  if (locale === 'ja') return `${text}日`;
  return `${text} ${n === 1 ? 'day' : 'days'}`;
}

export function formatMonths(v: unknown, locale: Locale = 'ja', digits = 1): string {
  const n = toNumber(v);
  if (n === null) return DASH;
  const text = formatDecimal(n, digits);
  return locale === 'ja' ? `${text}か月` : `${text} mo`;
}

// ---- Fiscal periods -------------------------------------------------------

/** The fiscal year (named by its start year) that contains the date. */
export function fiscalYearOf(date: Date | string, startMonth = DEFAULT_FISCAL_YEAR_START_MONTH): number {
  const d = typeof date === 'string' ? parseDay(date) : date;
  return fiscalYearOfMonth(d.getUTCFullYear(), d.getUTCMonth() + 1, startMonth);
}

/** 1-based fiscal quarter of the date. */
export function fiscalQuarterOf(date: Date | string, startMonth = DEFAULT_FISCAL_YEAR_START_MONTH): number {
  const d = typeof date === 'string' ? parseDay(date) : date;
  return Math.floor((fiscalMonthNumber(d.getUTCMonth() + 1, startMonth) - 1) / 3) + 1;
}

/** 'YYYY-MM-DD…' → a UTC midnight Date (time and zone suffix ignored). */
export function parseDay(s: string): Date {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(s);
  if (!m) throw new RangeError(`not a date: ${s}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1));
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar month: 2025年7月 / Jul 2025. Accepts 'YYYY-MM…' strings or Dates. */
export function formatMonth(v: string | Date | null | undefined, locale: Locale = 'ja', short = false): string {
  if (!v) return DASH;
  const d = typeof v === 'string' ? parseDay(v) : v;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  if (locale === 'ja') return short ? `${String(y).slice(2)}/${m}月` : `${y}年${m}月`;
  return short ? `${EN_MONTHS[m - 1]} ’${String(y).slice(2)}` : `${EN_MONTHS[m - 1]} ${y}`;
}

export function formatDate(v: string | Date | null | undefined, locale: Locale = 'ja'): string {
  if (!v) return DASH;
  const d = typeof v === 'string' ? parseDay(v) : v;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  if (locale === 'ja') return `${y}/${String(m).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
  return `${EN_MONTHS[m - 1]} ${day}, ${y}`;
}

export function formatFiscalYear(fy: number, locale: Locale = 'ja'): string {
  return locale === 'ja' ? `${fy}年度` : `FY${fy}`;
}

export function formatFiscalQuarter(fy: number, quarter: number, locale: Locale = 'ja'): string {
  return locale === 'ja' ? `${fy}年度 第${quarter}四半期` : `FY${fy} Q${quarter}`;
}

/**
 * A fiscal period key as used in the URL: 'FY2025', 'FY2025-Q2' or a month
 * '2025-07'. Unknown keys are returned as they are.
 */
export function formatPeriodKey(key: string, locale: Locale = 'ja'): string {
  let m = /^FY(\d{4})$/.exec(key);
  if (m) return formatFiscalYear(Number(m[1]), locale);
  m = /^FY(\d{4})-Q([1-4])$/.exec(key);
  if (m) return formatFiscalQuarter(Number(m[1]), Number(m[2]), locale);
  m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return formatMonth(`${key}-01`, locale);
  return key;
}

/** Formats a value by the unit a view or the KPI tree declares. */
export type Unit = 'JPY' | 'count' | 'ratio' | 'days' | 'months' | 'number';

export function formatByUnit(v: unknown, unit: Unit, locale: Locale = 'ja', currency = 'JPY'): string {
  switch (unit) {
    case 'JPY':
      return formatYen(v, locale, { currency });
    case 'count':
      return formatCount(v, locale);
    case 'ratio':
      return formatPercent(v, locale);
    case 'days':
      return formatDays(v, locale);
    case 'months':
      return formatMonths(v, locale);
    default:
      return formatNumber(v, locale, 2);
  }
}

export { isNum as isFiniteNumber };
