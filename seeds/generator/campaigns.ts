/*
 * The simulated company's campaign calendar, FY2024-FY2026: webinars,
 * in-person seminars and trade shows on dated events; half-yearly ad, social
 * and outbound campaigns, whitepapers, monthly newsletters, nurture e-mail
 * and partner programmes as always-on campaigns. seo and direct have none.
 *
 * The calendar is planned to the end of FY2026; only campaigns that started
 * by as_of are written, and an end after as_of is written empty (still
 * running). Names are Japanese, as a Japanese marketing team would enter
 * them; trade-show names are invented.
 */

import {
  AS_OF,
  DAY,
  FIRST_DAY,
  HOUR,
  PLAN_END_DAY,
  WINDOW_START,
  civilFromDay,
  dayFromCivil,
  dayStart,
  isBusinessDay,
  isNationalHoliday,
  monthFirstDay,
  monthIndex,
  weekday,
} from './calendar.js';
import { CH, CHANNELS } from './company.js';
import { Random } from './random.js';
import type { BuyerJourneyStep } from '../../server/contract/vocabulary.js';

export interface Campaign {
  index: number;
  id: string;
  name: string;
  channel: number;
  start: number;
  end: number;
  /** Relative size: share within its channel (always-on) or event size. */
  weight: number;
  /** Event channels: the (first) event day, the event's start instant and length in days. */
  eventDay: number;
  eventStart: number;
  eventDays: number;
  /** Event channels: registration opens this many days before the event. */
  registrationDays: number;
}

const WEBINAR_TOPICS = [
  '製造業DX',
  '営業DX',
  'インサイドセールス立ち上げ',
  'MA活用',
  '経営ダッシュボード',
  'データドリブン経営',
  '物流2024年問題',
  '生成AI活用',
  '建設業の働き方改革',
  'SFA定着化',
  'ABM実践',
  'カスタマーサクセス',
  '営業KPI設計',
  'RevOps入門',
];
const SEMINAR_TOPICS = ['営業改革', 'DX推進', 'マーケティング実践', '経営データ活用', '需要予測'];
const SEMINAR_CITIES = ['東京', '大阪', '名古屋', '東京', '福岡', '大阪', '東京', '仙台', '広島', '札幌'];
const WHITEPAPERS = [
  '製造業のためのDX推進ガイド',
  'インサイドセールス立ち上げの教科書',
  'MA×SFA連携 実践ガイド',
  '営業KPI設計ハンドブック',
  '物流2024年問題 対策チェックリスト',
  '経営ダッシュボード構築入門',
  '生成AI活用 業務改善事例集',
  '建設業の働き方改革ガイド',
  'データドリブン営業の始め方',
  '中堅企業のためのSaaS選定ガイド',
  'ナーチャリング実践ガイド',
  'ABM入門',
  'RevOps入門',
  'SFA定着化の10のポイント',
  '製造業の需要予測入門',
  'BtoBマーケティング予算策定ガイド',
  'カスタマーサクセス立ち上げガイド',
  '営業会議を変えるパイプライン管理',
];
const OUTBOUND_SEGMENTS = ['製造業', 'IT・サービス業', '物流・建設業', '金融・医療', '中堅企業全般'];

/** Trade shows: [fiscal year, month, which Wednesday, name]; three days from that Wednesday. */
const TRADE_SHOWS: readonly [number, number, number, string][] = [
  [2024, 5, 4, 'DX総合EXPO 2024 春（東京ビッグサイト）'],
  [2024, 7, 2, '製造業DX展 2024（ポートメッセなごや）'],
  [2024, 10, 4, 'DX総合EXPO 2024 秋（幕張メッセ）'],
  [2024, 11, 3, '関西 業務改革EXPO 2024（インテックス大阪）'],
  [2024, 1, 4, '営業・マーケティングDX展 2025（東京ビッグサイト）'],
  [2025, 5, 4, 'DX総合EXPO 2025 春（東京ビッグサイト）'],
  [2025, 7, 2, '製造業DX展 2025（ポートメッセなごや）'],
  [2025, 10, 4, 'DX総合EXPO 2025 秋（幕張メッセ）'],
  [2025, 1, 4, '営業・マーケティングDX展 2026（東京ビッグサイト）'],
  [2026, 5, 4, 'DX総合EXPO 2026 春（東京ビッグサイト）'],
  [2026, 10, 4, 'DX総合EXPO 2026 秋（幕張メッセ）'],
  [2026, 1, 4, '営業・マーケティングDX展 2027（東京ビッグサイト）'],
];

type Draft = Omit<Campaign, 'index' | 'id'>;

function nthWeekday(year: number, month: number, wd: number, n: number): number {
  const first = dayFromCivil(year, month, 1);
  const offset = (wd - weekday(first) + 7) % 7;
  return first + offset + (n - 1) * 7;
}

function halfYears(): { fy: number; half: 1 | 2; startDay: number; endDay: number; label: string }[] {
  const out: { fy: number; half: 1 | 2; startDay: number; endDay: number; label: string }[] = [];
  for (const fy of [2024, 2025, 2026]) {
    out.push({ fy, half: 1, startDay: dayFromCivil(fy, 4, 1), endDay: dayFromCivil(fy, 9, 30), label: `FY${fy}上期` });
    out.push({ fy, half: 2, startDay: dayFromCivil(fy, 10, 1), endDay: dayFromCivil(fy + 1, 3, 31), label: `FY${fy}下期` });
  }
  return out;
}

function steady(channel: number, name: string, startDay: number, endDay: number, weight: number): Draft {
  return {
    name,
    channel,
    start: dayStart(startDay),
    end: dayStart(endDay) + DAY - 1,
    weight,
    eventDay: -1,
    eventStart: 0,
    eventDays: 0,
    registrationDays: 0,
  };
}

function eventDaysInMonth(month: number, count: number, rng: Random, taken: Set<number>): number[] {
  const first = monthFirstDay(month);
  const candidates: number[] = [];
  for (let d = first; monthIndex(d) === month; d++) {
    const wd = weekday(d);
    const c = civilFromDay(d);
    if (
      wd >= 2 &&
      wd <= 4 &&
      isBusinessDay(d) &&
      !taken.has(d) &&
      !(c.month === 8 && c.day >= 8 && c.day <= 18) &&
      !(c.month === 12 && c.day >= 22) &&
      !(c.month === 1 && c.day <= 8) &&
      !isNationalHoliday(d)
    ) {
      candidates.push(d);
    }
  }
  const picked: number[] = [];
  while (picked.length < count && candidates.length > 0) {
    const i = Math.floor(rng.next() * candidates.length);
    picked.push(candidates[i] as number);
    candidates.splice(i, 1);
  }
  return picked.sort((a, b) => a - b);
}

function buildDrafts(seed: number): Draft[] {
  const rng = Random.stream(seed, 'campaigns');
  const drafts: Draft[] = [];
  const firstMonth = monthIndex(FIRST_DAY);
  const lastMonth = monthIndex(PLAN_END_DAY);
  const taken = new Set<number>();

  let topic = rng.int(0, WEBINAR_TOPICS.length - 1);
  for (let m = firstMonth; m <= lastMonth; m++) {
    const fy = Math.floor(m / 12) - ((m % 12) + 1 < 4 ? 1 : 0);
    const perMonth = (fy === 2024 ? 2 : fy === 2025 ? 3 : 4) + (rng.chance(0.3) ? 1 : 0) - (m % 12 === 7 ? 1 : 0);
    for (const day of eventDaysInMonth(m, perMonth, rng, taken)) {
      if (day < FIRST_DAY + 7) continue;
      taken.add(day);
      const c = civilFromDay(day);
      topic = (topic + rng.int(1, 4)) % WEBINAR_TOPICS.length;
      const hour = rng.pick([11, 14, 14, 16]);
      drafts.push({
        name: `${c.year}年${c.month}月 ${WEBINAR_TOPICS[topic]}ウェビナー`,
        channel: CH.webinar,
        start: dayStart(day - 21),
        end: dayStart(day) + (hour + 1) * HOUR,
        weight: rng.logNormal(1, 0.35),
        eventDay: day,
        eventStart: dayStart(day) + hour * HOUR,
        eventDays: 1,
        registrationDays: 21,
      });
    }
  }

  let city = 0;
  for (let m = firstMonth; m <= lastMonth; m++) {
    const fy = Math.floor(m / 12) - ((m % 12) + 1 < 4 ? 1 : 0);
    const expected = fy === 2024 ? 1.5 : fy === 2025 ? 1.0 : 0.6;
    const count = Math.floor(expected) + (rng.chance(expected - Math.floor(expected)) ? 1 : 0);
    for (const day of eventDaysInMonth(m, count, rng, taken)) {
      if (day < FIRST_DAY + 10) continue;
      taken.add(day);
      const c = civilFromDay(day);
      const place = SEMINAR_CITIES[city++ % SEMINAR_CITIES.length];
      drafts.push({
        name: `${c.year}年${c.month}月 ${place}開催 ${rng.pick(SEMINAR_TOPICS)}セミナー`,
        channel: CH.seminar,
        start: dayStart(day - 28),
        end: dayStart(day) + 17 * HOUR,
        weight: rng.logNormal(1, 0.3),
        eventDay: day,
        eventStart: dayStart(day) + 14 * HOUR,
        eventDays: 1,
        registrationDays: 28,
      });
    }
  }

  for (const [fy, month, nth, name] of TRADE_SHOWS) {
    const year = month >= 4 ? fy : fy + 1;
    const day = nthWeekday(year, month, 3, nth);
    drafts.push({
      name,
      channel: CH.trade_show,
      start: dayStart(day) + 10 * HOUR,
      end: dayStart(day + 2) + 18 * HOUR,
      weight: rng.logNormal(1, 0.25) * (name.startsWith('DX総合') ? 1.4 : 1),
      eventDay: day,
      eventStart: dayStart(day) + 10 * HOUR,
      eventDays: 3,
      registrationDays: 0,
    });
  }

  for (const h of halfYears()) {
    drafts.push(steady(CH.web_ads, `リスティング広告（指名） ${h.label}`, h.startDay, h.endDay, 0.3));
    drafts.push(steady(CH.web_ads, `リスティング広告（一般KW） ${h.label}`, h.startDay, h.endDay, 0.5));
    drafts.push(steady(CH.web_ads, `ディスプレイ広告（リターゲティング） ${h.label}`, h.startDay, h.endDay, 0.2));
    drafts.push(steady(CH.social, `LinkedIn広告 ${h.label}`, h.startDay, h.endDay, 0.55));
    drafts.push(steady(CH.social, `Facebook広告 ${h.label}`, h.startDay, h.endDay, 0.45));
    const a = (h.fy * 2 + h.half) % OUTBOUND_SEGMENTS.length;
    drafts.push(steady(CH.inside_sales, `アウトバウンド架電 ${OUTBOUND_SEGMENTS[a]} ${h.label}`, h.startDay, h.endDay, 0.5));
    drafts.push(
      steady(
        CH.inside_sales,
        `アウトバウンド架電 ${OUTBOUND_SEGMENTS[(a + 2) % OUTBOUND_SEGMENTS.length]} ${h.label}`,
        h.startDay,
        h.endDay,
        0.5,
      ),
    );
  }

  for (const fy of [2024, 2025, 2026]) {
    drafts.push(steady(CH.email, `ナーチャリングメール FY${fy}`, dayFromCivil(fy, 4, 1), dayFromCivil(fy + 1, 3, 31), 1));
    drafts.push(steady(CH.referral, `パートナー紹介プログラム FY${fy}`, dayFromCivil(fy, 4, 1), dayFromCivil(fy + 1, 3, 31), 1));
  }

  for (let m = firstMonth; m <= lastMonth; m++) {
    const c = civilFromDay(monthFirstDay(m));
    const send = nthWeekday(c.year, c.month, 2, 2);
    drafts.push(steady(CH.email, `メールマガジン ${c.year}年${c.month}月号`, send, send + 29, 1));
  }

  let paper = 0;
  for (let d = dayFromCivil(2024, 4, 8); d <= PLAN_END_DAY && paper < WHITEPAPERS.length; d += rng.int(45, 75)) {
    const release = isBusinessDay(d) ? d : d + 1;
    drafts.push(
      steady(
        CH.content,
        `ホワイトペーパー『${WHITEPAPERS[paper++]}』`,
        release,
        release + rng.int(210, 300),
        rng.logNormal(1, 0.3),
      ),
    );
  }

  return drafts;
}

/**
 * The buyer-journey step a campaign serves (docs/metrics.md definition 20), read off its kind the way a
 * marketer would tag it: the newsletter and outbound calls reach buyers who are not looking yet (現状維持);
 * social ads and trade shows raise the problem (課題の気づき); webinars, general search ads, nurture e-mail
 * and guides feed the search for information (情報収集); in-person seminars, where a buyer sees the
 * solution worked through, deepen the understanding of it (内容理解); retargeting, branded search and
 * selection checklists serve the comparison (比較検討); case studies and partner referrals the decision
 * (導入決定). Derived, not drawn: tagging campaigns leaves every random stream, and so every other seed
 * row, as it was.
 */
export function journeyStep(c: Pick<Campaign, 'channel' | 'name'>): BuyerJourneyStep {
  switch (c.channel) {
    case CH.inside_sales:
      return 'status_quo';
    case CH.email:
      return c.name.startsWith('メールマガジン') ? 'status_quo' : 'information_gathering';
    case CH.social:
    case CH.trade_show:
      return 'problem_aware';
    case CH.webinar:
      return 'information_gathering';
    case CH.seminar:
      return 'understanding';
    case CH.web_ads:
      return c.name.includes('一般KW') ? 'information_gathering' : 'comparison';
    case CH.referral:
      return 'decision';
    case CH.content:
      if (c.name.includes('事例')) return 'decision';
      if (c.name.includes('選定') || c.name.includes('チェックリスト')) return 'comparison';
      return 'information_gathering';
    default:
      return 'information_gathering';
  }
}

/** Share of an always-on channel's leads and touches that belong to no campaign (organic). */
export const ORGANIC_SHARE = [1, 0.3, 0, 0.25, 0, 0, 0, 0, 0.4, 0, 1];

export class CampaignCalendar {
  readonly all: Campaign[];
  /** Campaigns written to campaigns.csv: started by as_of (`all` also holds the planned rest of FY2026, without ids). */
  readonly published: Campaign[];
  private readonly activeByDay: number[][][];
  private readonly registrationByDay: number[][][];
  private readonly newslettersByDay: number[][];
  private readonly nurtureByDay: number[][];

  constructor(seed: number) {
    const drafts = buildDrafts(seed)
      .filter((d) => d.end >= WINDOW_START)
      .sort((a, b) => a.start - b.start || a.channel - b.channel || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.all = drafts.map((d, i) => ({ ...d, index: i, id: d.start <= AS_OF ? `CP${String(i + 1).padStart(4, '0')}` : '' }));
    this.published = this.all.filter((c) => c.start <= AS_OF);
    const days = PLAN_END_DAY - FIRST_DAY + 1;
    this.activeByDay = Array.from({ length: days }, () => CHANNELS.map(() => [] as number[]));
    this.registrationByDay = Array.from({ length: days }, () => CHANNELS.map(() => [] as number[]));
    for (const c of this.all) {
      if (c.eventDay >= 0) {
        for (let d = c.eventDay - c.registrationDays; d <= c.eventDay + c.eventDays - 1; d++) {
          if (d >= FIRST_DAY && d <= PLAN_END_DAY) this.registrationByDay[d - FIRST_DAY]![c.channel]!.push(c.index);
        }
      } else {
        const from = Math.max(FIRST_DAY, Math.floor((c.start + 9 * HOUR) / DAY));
        const to = Math.min(PLAN_END_DAY, Math.floor((c.end + 9 * HOUR) / DAY));
        for (let d = from; d <= to; d++) this.activeByDay[d - FIRST_DAY]![c.channel]!.push(c.index);
      }
    }
    this.newslettersByDay = this.activeByDay.map((byChannel) =>
      byChannel[CH.email]!.filter((i) => this.get(i).name.startsWith('メールマガジン')),
    );
    this.nurtureByDay = this.activeByDay.map((byChannel) =>
      byChannel[CH.email]!.filter((i) => !this.get(i).name.startsWith('メールマガジン')),
    );
  }

  get(index: number): Campaign {
    return this.all[index] as Campaign;
  }

  /** Always-on campaigns of a channel running on a day. */
  active(channel: number, day: number): readonly number[] {
    if (day < FIRST_DAY || day > PLAN_END_DAY) return [];
    return this.activeByDay[day - FIRST_DAY]![channel]!;
  }

  /** Event campaigns of a channel open for registration (or running) on a day. */
  events(channel: number, day: number): readonly number[] {
    if (day < FIRST_DAY || day > PLAN_END_DAY) return [];
    return this.registrationByDay[day - FIRST_DAY]![channel]!;
  }

  /** An always-on campaign for a touch or lead of `channel` on `day`, or -1 (organic or none running). */
  pickActive(channel: number, day: number, rng: Random, allowOrganic = true): number {
    if (allowOrganic && rng.chance(ORGANIC_SHARE[channel] as number)) return -1;
    const list = this.active(channel, day);
    if (list.length === 0) return -1;
    if (list.length === 1) return list[0] as number;
    let total = 0;
    for (const i of list) total += this.get(i).weight;
    let x = rng.next() * total;
    for (const i of list) {
      x -= this.get(i).weight;
      if (x < 0) return i;
    }
    return list[list.length - 1] as number;
  }

  /** The e-mail campaign behind a click: the newsletter in circulation, else the nurture programme. */
  pickEmail(day: number, rng: Random): number {
    if (day < FIRST_DAY || day > PLAN_END_DAY) return -1;
    const newsletters = this.newslettersByDay[day - FIRST_DAY]!;
    const nurture = this.nurtureByDay[day - FIRST_DAY]!;
    if (newsletters.length > 0 && (nurture.length === 0 || rng.chance(0.6))) return rng.pick(newsletters);
    return nurture.length > 0 ? rng.pick(nurture) : -1;
  }

  /** An upcoming event of `channel` whose registration is open at `instant` (before the event starts), or -1. */
  openEvent(channel: number, instant: number, rng: Random): number {
    const list = this.events(channel, Math.floor((instant + 9 * HOUR) / DAY));
    let chosen = -1;
    let seen = 0;
    for (const i of list) {
      const c = this.get(i);
      if (c.start <= instant && instant < c.eventStart - HOUR && rng.next() * ++seen < 1) chosen = i;
    }
    return chosen;
  }
}
