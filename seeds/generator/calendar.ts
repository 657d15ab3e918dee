/*
 * Time and the Japanese business calendar for the sample-data generator.
 *
 * Instants are whole seconds since the Unix epoch; a "day" is a day number in
 * Japan Standard Time (days since 1970-01-01 JST). JST has no daylight saving,
 * so every conversion is plain arithmetic, which keeps formatting of tens of
 * millions of timestamps cheap. National holidays are listed for 2024-2027
 * only (the generator never places business events outside that range);
 * company closures (year end, Obon) follow common Japanese practice.
 */

import { cumulative, Random } from './random.js';
import { DEFAULT_FISCAL_YEAR_START_MONTH, fiscalYearOfMonth as contractFiscalYear } from '../../server/contract/vocabulary.js';

export const DAY = 86_400;
export const HOUR = 3_600;
export const MINUTE = 60;
const JST_OFFSET = 9 * HOUR;

export function dayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDay(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function jstDay(instant: number): number {
  return Math.floor((instant + JST_OFFSET) / DAY);
}

export function dayStart(dayNumber: number): number {
  return dayNumber * DAY - JST_OFFSET;
}

export function jstInstant(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return dayStart(dayFromCivil(year, month, day)) + hour * HOUR + minute * MINUTE + second;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

export function monthIndex(dayNumber: number): number {
  const c = civilFromDay(dayNumber);
  return c.year * 12 + c.month - 1;
}

export function monthFirstDay(month: number): number {
  return dayFromCivil(Math.floor(month / 12), (month % 12) + 1, 1);
}

export function daysInMonth(month: number): number {
  return monthFirstDay(month + 1) - monthFirstDay(month);
}

/** The company's fiscal year (the contract's rule and default April start): FY2025 = 2025-04-01 … 2026-03-31. */
export function fiscalYearOfMonth(month: number): number {
  return contractFiscalYear(Math.floor(month / 12), (month % 12) + 1, DEFAULT_FISCAL_YEAR_START_MONTH);
}

export const WINDOW_START = jstInstant(2024, 4, 1);
export const AS_OF = jstInstant(2026, 11, 20, 23, 59, 59);
export const PLAN_END = jstInstant(2027, 3, 31, 23, 59, 59);
export const FIRST_DAY = jstDay(WINDOW_START);
export const AS_OF_DAY = jstDay(AS_OF);
export const PLAN_END_DAY = jstDay(PLAN_END);
export const FIRST_MONTH = monthIndex(FIRST_DAY);
export const AS_OF_MONTH = monthIndex(AS_OF_DAY);
export const PLAN_END_MONTH = monthIndex(PLAN_END_DAY);
export const FISCAL_YEARS = [2024, 2025, 2026] as const;

const NATIONAL_HOLIDAYS = [
  '2024-01-01',
  '2024-01-08',
  '2024-02-11',
  '2024-02-12',
  '2024-02-23',
  '2024-03-20',
  '2024-04-29',
  '2024-05-03',
  '2024-05-04',
  '2024-05-05',
  '2024-05-06',
  '2024-07-15',
  '2024-08-11',
  '2024-08-12',
  '2024-09-16',
  '2024-09-22',
  '2024-09-23',
  '2024-10-14',
  '2024-11-03',
  '2024-11-04',
  '2024-11-23',
  '2025-01-01',
  '2025-01-13',
  '2025-02-11',
  '2025-02-23',
  '2025-02-24',
  '2025-03-20',
  '2025-04-29',
  '2025-05-03',
  '2025-05-04',
  '2025-05-05',
  '2025-05-06',
  '2025-07-21',
  '2025-08-11',
  '2025-09-15',
  '2025-09-23',
  '2025-10-13',
  '2025-11-03',
  '2025-11-23',
  '2025-11-24',
  '2026-01-01',
  '2026-01-12',
  '2026-02-11',
  '2026-02-23',
  '2026-03-20',
  '2026-04-29',
  '2026-05-03',
  '2026-05-04',
  '2026-05-05',
  '2026-05-06',
  '2026-07-20',
  '2026-08-11',
  '2026-09-21',
  '2026-09-22',
  '2026-09-23',
  '2026-10-12',
  '2026-11-03',
  '2026-11-23',
  '2027-01-01',
  '2027-01-11',
  '2027-02-11',
  '2027-02-23',
  '2027-03-22',
  '2027-04-29',
  '2027-05-03',
  '2027-05-04',
  '2027-05-05',
  '2027-07-19',
  '2027-08-11',
  '2027-09-20',
  '2027-09-23',
  '2027-10-11',
  '2027-11-03',
  '2027-11-23',
];

const holidaySet = new Set<number>(
  NATIONAL_HOLIDAYS.map((text) => dayFromCivil(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)))),
);

export function isNationalHoliday(dayNumber: number): boolean {
  return holidaySet.has(dayNumber);
}

function isYearEndClosure(c: CivilDate): boolean {
  return (c.month === 12 && c.day >= 29) || (c.month === 1 && c.day <= 3);
}

function isObonClosure(c: CivilDate): boolean {
  return c.month === 8 && c.day >= 13 && c.day <= 15;
}

const CACHE_FIRST_DAY = dayFromCivil(2015, 1, 1);
const CACHE_DAYS = dayFromCivil(2031, 1, 1) - CACHE_FIRST_DAY;
const businessDayCache = new Int8Array(CACHE_DAYS);

function computeBusinessDay(dayNumber: number): boolean {
  const wd = weekday(dayNumber);
  const c = civilFromDay(dayNumber);
  return wd !== 0 && wd !== 6 && !holidaySet.has(dayNumber) && !isYearEndClosure(c) && !isObonClosure(c);
}

/** A day on which this company and its customers work. */
export function isBusinessDay(dayNumber: number): boolean {
  const i = dayNumber - CACHE_FIRST_DAY;
  if (i < 0 || i >= CACHE_DAYS) return computeBusinessDay(dayNumber);
  let v = businessDayCache[i] as number;
  if (v === 0) {
    v = computeBusinessDay(dayNumber) ? 1 : 2;
    businessDayCache[i] = v;
  }
  return v === 1;
}

export function nextBusinessDay(dayNumber: number): number {
  let d = dayNumber;
  while (!isBusinessDay(d)) d++;
  return d;
}

export function previousBusinessDay(dayNumber: number): number {
  let d = dayNumber;
  while (!isBusinessDay(d)) d--;
  return d;
}

const WEEKDAY_ACTIVITY = [0.1, 1.0, 1.08, 1.06, 1.02, 0.92, 0.14];

/**
 * Relative volume of inbound B2B activity on a day: weekends, national
 * holidays, Golden Week, Obon and the year-end break are quiet.
 */
export function dayActivity(dayNumber: number): number {
  const c = civilFromDay(dayNumber);
  const wd = weekday(dayNumber);
  if (isYearEndClosure(c)) return 0.06;
  let f = WEEKDAY_ACTIVITY[wd] as number;
  if (holidaySet.has(dayNumber)) f = Math.min(f, 0.16);
  if (c.month === 8 && c.day >= 10 && c.day <= 16) f *= 0.35;
  if ((c.month === 4 && c.day === 30) || (c.month === 5 && c.day <= 2)) f *= 0.55;
  if (c.month === 5 && c.day >= 3 && c.day <= 6) f = Math.min(f, 0.12);
  if (c.month === 12 && c.day >= 24) f *= 0.6;
  if (c.month === 1 && c.day >= 4 && c.day <= 7) f *= 0.7;
  return f;
}

/** Hour-of-day profiles (JST) for placing an event inside its day. */
export type DayProfile = 'office' | 'web' | 'email' | 'booth' | 'calls';

const HOUR_WEIGHTS: Record<DayProfile, number[]> = {
  office: [0, 0, 0, 0, 0, 0, 0, 0.1, 0.5, 1.2, 1.6, 1.4, 0.6, 1.2, 1.5, 1.5, 1.4, 1.1, 0.7, 0.35, 0.2, 0.1, 0.05, 0],
  web: [
    0.06, 0.03, 0.01, 0.01, 0.01, 0.02, 0.06, 0.2, 0.5, 1.0, 1.3, 1.3, 0.9, 1.1, 1.3, 1.3, 1.2, 1.0, 0.7, 0.5, 0.5, 0.45, 0.35,
    0.15,
  ],
  email: [0.02, 0, 0, 0, 0, 0, 0.1, 0.4, 1.3, 1.6, 1.1, 0.9, 1.0, 1.0, 0.8, 0.8, 0.8, 0.9, 0.8, 0.5, 0.4, 0.3, 0.2, 0.05],
  booth: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.0, 1.4, 1.0, 1.3, 1.5, 1.4, 1.1, 0.3, 0, 0, 0, 0, 0, 0],
  calls: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.6, 1.3, 1.3, 0.3, 1.0, 1.4, 1.4, 1.3, 1.0, 0.4, 0, 0, 0, 0, 0],
};

const HOUR_CUMULATIVE: Record<DayProfile, number[]> = {
  office: cumulative(HOUR_WEIGHTS.office),
  web: cumulative(HOUR_WEIGHTS.web),
  email: cumulative(HOUR_WEIGHTS.email),
  booth: cumulative(HOUR_WEIGHTS.booth),
  calls: cumulative(HOUR_WEIGHTS.calls),
};

export function placeInDay(dayNumber: number, profile: DayProfile, rng: Random): number {
  const hour = rng.weighted(HOUR_CUMULATIVE[profile]);
  return dayStart(dayNumber) + hour * HOUR + Math.floor(rng.next() * HOUR);
}

/**
 * A working-hours instant at or after `earliest` (moved to the next business
 * day when `earliest` falls outside one) and strictly after `notBefore`.
 */
export function businessInstant(earliestTime: number, notBefore: number, rng: Random, profile: DayProfile = 'office'): number {
  const earliest = Math.ceil(earliestTime);
  let d = nextBusinessDay(jstDay(earliest));
  let t = placeInDay(d, profile, rng);
  if (d === jstDay(earliest) && t < earliest) t = earliest + Math.floor(rng.uniform(5, 90) * MINUTE);
  if (t <= notBefore) {
    if (jstDay(notBefore) === d && notBefore - dayStart(d) < 19 * HOUR) {
      t = notBefore + Math.floor(rng.uniform(5, 120) * MINUTE);
    } else {
      d = nextBusinessDay(Math.max(d, jstDay(notBefore)) + 1);
      t = placeInDay(d, profile, rng);
    }
  }
  return t;
}

export class TimeFormatter {
  private readonly dateStrings: string[] = [];
  private readonly clock: string[] = [];

  constructor() {
    const two = (n: number) => (n < 10 ? `0${n}` : String(n));
    for (let s = 0; s < DAY; s++) {
      this.clock.push(`${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`);
    }
  }

  date(dayNumber: number): string {
    const i = dayNumber - CACHE_FIRST_DAY;
    let text = i >= 0 && i < CACHE_DAYS ? this.dateStrings[i] : undefined;
    if (text === undefined) {
      const c = civilFromDay(dayNumber);
      text = `${c.year}-${c.month < 10 ? '0' : ''}${c.month}-${c.day < 10 ? '0' : ''}${c.day}`;
      if (i >= 0 && i < CACHE_DAYS) this.dateStrings[i] = text;
    }
    return text;
  }

  /** ISO 8601 with the +09:00 offset, e.g. 2025-04-03T10:15:00+09:00. */
  timestamp(instant: number): string {
    const local = Math.floor(instant) + JST_OFFSET;
    const d = Math.floor(local / DAY);
    return `${this.date(d)}T${this.clock[local - d * DAY]}+09:00`;
  }

  monthStart(month: number): string {
    return this.date(monthFirstDay(month));
  }
}
