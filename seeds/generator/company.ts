/*
 * The simulated company: a Japanese B2B SaaS vendor (a sales and marketing
 * analytics product sold to companies of every size), its market, its
 * marketing mix and how its funnel behaves. Every number here is an
 * assumption chosen to look plausible, shaped by the contract's field facts
 * (listed in generate.ts): trade shows and seminars give way to webinars and
 * online channels, referral/direct/inside-sales leads convert best, deal
 * sizes are Pareto-like, leads stall, recycle and come back.
 *
 * Resulting funnel with the defaults (20,000 leads): lead→mql ≈36 %,
 * mql→sal ≈68 %, sal→sql ≈54 %, sql→opportunity ≈63 %, opportunity→won
 * ≈24 % (reached-stage conversions, open deals included; 27 % of closed new
 * deals are won), lead→won ≈2 %, annual churn ≈10 %, top 20 % of customers
 * ≈67 % of won revenue (less than the survey's 80 %: most deals must stay
 * in the 1-5 M JPY range).
 */

import {
  ALL_STAGES,
  CHANNEL_DEFINITIONS,
  type ChannelDefinition,
  DEFAULT_CHANNELS,
  type DefaultChannel,
  SETTING_DEFAULTS,
  STAGE_DEFINITIONS,
  type StageDefinition,
  type StageName,
} from '../../server/contract/vocabulary.js';
import { cumulative } from './random.js';

/** The bundled channels, in the contract's order (server/contract/vocabulary.ts); the indices below follow it. */
export const CHANNELS = DEFAULT_CHANNELS;
export type Channel = DefaultChannel;
export const CH = Object.fromEntries(CHANNELS.map((c, i) => [c, i])) as Record<Channel, number>;

/** Each channel's names and whether its leads are bought, written to channels.csv. */
export const CHANNEL_ROWS: readonly ChannelDefinition[] = CHANNEL_DEFINITIONS;

/** Channels whose leads come from dated events (registration windows, show days). */
export const EVENT_CHANNELS: readonly number[] = [CH.webinar, CH.seminar, CH.trade_show];
/** Channels whose leads arrive every day. */
export const STEADY_CHANNELS: readonly number[] = CHANNELS.map((_, i) => i).filter((i) => !EVENT_CHANNELS.includes(i));
/** Offline channels: an account reached only through them may have no tracked touchpoints. */
export const OFFLINE_CHANNELS: readonly number[] = [CH.referral, CH.inside_sales, CH.direct];

/** Lead-source share at the start of FY2024 and at the end of FY2026 (interpolated in between). */
export const CHANNEL_SHARE_START = [0.12, 0.1, 0.15, 0.04, 0.05, 0.12, 0.08, 0.18, 0.05, 0.07, 0.04];
export const CHANNEL_SHARE_END = [0.14, 0.13, 0.16, 0.07, 0.05, 0.21, 0.035, 0.075, 0.05, 0.05, 0.035];

/** Yearly growth of the inbound lead volume. */
export const LEAD_GROWTH_PER_YEAR = 0.28;

/** Monthly seasonality of lead volume, January first. */
export const LEAD_MONTH_SEASON = [0.92, 1.06, 1.0, 0.94, 0.86, 1.04, 1.0, 0.82, 1.04, 1.12, 1.1, 0.88];

/** Cost per lead (JPY) used to set each channel's monthly budget. */
export const CHANNEL_CPL = [9_000, 14_000, 24_000, 21_000, 4_000, 11_000, 38_000, 52_000, 7_000, 33_000, 2_500];

export const PERSONAS = ['executive', 'department_head', 'it_admin', 'field_staff', 'procurement'] as const;
export const INDUSTRIES = [
  'manufacturing',
  'it_services',
  'retail',
  'finance',
  'healthcare',
  'logistics',
  'construction',
  'professional_services',
] as const;
export const INDUSTRY_CUMULATIVE = cumulative([0.26, 0.17, 0.1, 0.08, 0.08, 0.09, 0.1, 0.12]);
export const BANDS = ['1-49', '50-299', '300-999', '1000+'] as const;
export const BAND_CUMULATIVE = cumulative([0.34, 0.38, 0.18, 0.1]);
export const REGIONS = ['kanto', 'kansai', 'chubu', 'kyushu', 'tohoku', 'hokkaido', 'chugoku_shikoku'] as const;
export const REGION_CUMULATIVE = cumulative([0.46, 0.18, 0.13, 0.08, 0.05, 0.04, 0.06]);
export const TEAMS = ['east_team', 'west_team', 'enterprise_team'] as const;

/** The account's owning sales team: enterprise accounts by size, the rest by region. */
export function ownerTeam(band: number, region: number): number {
  if (band === 3) return 2;
  const r = REGIONS[region];
  return r === 'kanto' || r === 'tohoku' || r === 'hokkaido' ? 0 : 1;
}

/** Persona mix by employee band: small companies answer with executives, large ones with managers and IT. */
export const PERSONA_BY_BAND = [
  cumulative([0.34, 0.2, 0.13, 0.27, 0.06]),
  cumulative([0.14, 0.3, 0.2, 0.29, 0.07]),
  cumulative([0.06, 0.32, 0.25, 0.28, 0.09]),
  cumulative([0.03, 0.3, 0.28, 0.29, 0.1]),
];

/** Relative number of contacts an account brings (bigger buying groups in bigger companies). */
export const BAND_CONTACT_WEIGHT = [1, 1.8, 3.2, 5.5];

// Funnel stages and side states, in the contract's order (server/contract/vocabulary.ts); the indices follow it.
export const STAGES = ALL_STAGES;
export type { StageName };
export const LEAD = 0;
export const MQL = 1;
export const SAL = 2;
export const SQL = 3;
export const OPPORTUNITY = 4;
export const WON = 5;
export const RECYCLED = 6;
export const DISQUALIFIED = 7;
export const LOST = 8;

// slaDays null = an inventory stage: lead is the nurture pool, where leads may rightly wait; its aging is
// nurture age, never an SLA breach.
export const STAGE_ROWS: readonly StageDefinition[] = STAGE_DEFINITIONS;

/** The company's "today": the end of 2026-11-20 in Tokyo. */
export const AS_OF_SETTING = '2026-11-20T23:59:59+09:00';

/**
 * settings.csv: the contract's defaults and as_of; `overrides` (the generator's --time-zone and
 * --fiscal-year-start) replace values, so the same company can be built in another zone or fiscal calendar.
 */
export function settingRows(overrides: Readonly<Record<string, string>> = {}): [string, string][] {
  const rows: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(SETTING_DEFAULTS)
        .filter(([key]) => key !== 'time_zone')
        .map(([key, value]) => [key, String(value)]),
    ),
    as_of: AS_OF_SETTING,
    timezone: SETTING_DEFAULTS.time_zone,
    ...overrides,
  };
  return Object.entries(rows);
}

/**
 * Base outcome probabilities out of each funnel stage before segment factors:
 * [up to the next stage, skip one stage, recycled, disqualified, stall].
 * A stalled lead sits in `lead` for good (the nurture pool); in mql/sal/sql
 * it sits past its SLA until a pipeline clean-up recycles it (reason stale).
 */
export const STAGE_OUTCOMES: readonly (readonly [number, number, number, number, number])[] = [
  [0.34, 0.015, 0, 0.12, 0.525],
  [0.53, 0.01, 0.3, 0.08, 0.08],
  [0.37, 0, 0.44, 0.12, 0.07],
  [0.56, 0, 0.28, 0.1, 0.06],
];

/** Median days and log-sigma of the time to each outcome, by stage: up, skip, recycled, disqualified. */
export const STAGE_VELOCITY: readonly (readonly [number, number][])[] = [
  [
    [14, 1.05],
    [9, 1.0],
    [0, 0],
    [6, 1.0],
  ],
  [
    [1.8, 0.9],
    [3, 0.9],
    [6, 0.7],
    [4, 0.8],
  ],
  [
    [3.2, 0.85],
    [0, 0],
    [8, 0.7],
    [6, 0.8],
  ],
  [
    [8, 0.8],
    [0, 0],
    [14, 0.7],
    [10, 0.8],
  ],
];

/** Median days from lead creation to MQL by lead source (webinar attendees score fast). */
export const MQL_DAYS_BY_CHANNEL = [16, 18, 15, 20, 14, 7, 9, 20, 6, 8, 7];

/** Factors on [lead→mql, mid-funnel steps, win rate] by lead source. */
export const CHANNEL_FACTORS: readonly (readonly [number, number, number])[] = [
  [1.0, 1.0, 1.0],
  [0.88, 0.95, 0.95],
  [0.85, 0.95, 0.95],
  [0.62, 0.85, 0.9],
  [0.9, 0.95, 1.0],
  [1.18, 1.0, 1.0],
  [1.22, 1.05, 1.05],
  [0.68, 0.9, 0.95],
  [1.55, 1.3, 1.45],
  [1.3, 1.2, 1.2],
  [1.45, 1.2, 1.3],
];

export const PERSONA_FACTORS: readonly (readonly [number, number, number])[] = [
  [0.95, 1.2, 1.2],
  [1.1, 1.15, 1.1],
  [1.05, 0.95, 0.95],
  [0.95, 0.75, 0.85],
  [0.82, 0.95, 0.95],
];

/** Persona speed: executives decide fast, procurement slows everything down. */
export const PERSONA_SPEED = [0.8, 0.95, 1.0, 1.1, 1.25];

export const INDUSTRY_FACTORS: readonly (readonly [number, number])[] = [
  [1.05, 1.05],
  [1.1, 1.05],
  [0.95, 0.95],
  [0.85, 0.9],
  [0.9, 0.9],
  [1.0, 1.0],
  [0.95, 1.0],
  [1.0, 0.95],
];

/** Factors on [mid-funnel steps, win rate] and the sales-cycle length, by employee band. */
export const BAND_FACTORS: readonly (readonly [number, number, number])[] = [
  [0.92, 1.1, 0.6],
  [1.0, 1.05, 0.9],
  [1.05, 0.95, 1.35],
  [1.1, 0.85, 2.0],
];

/** Entry straight to `sql` (inquiry form, appointment on the first call) by lead source. */
export const INQUIRY_SHARE = [0.035, 0.01, 0.04, 0.01, 0.01, 0.005, 0.01, 0.005, 0.08, 0.1, 0.12];
/** Entry straight to `opportunity` (a sales business card, a partner's introduction). */
export const OPPORTUNITY_ENTRY_SHARE = [0, 0, 0, 0, 0, 0, 0, 0.01, 0.14, 0.02, 0.07];
/** Entry at `sal` (a booth visitor asking for a demo, accepted at once by inside sales). */
export const SAL_ENTRY_SHARE = [0, 0, 0, 0, 0, 0, 0.01, 0.04, 0, 0, 0];

export const BASE_WIN_RATE = 0.23;
/** Median days from opportunity to won / lost before the band factor. */
export const WON_DAYS: [number, number] = [55, 0.6];
export const LOST_DAYS: [number, number] = [42, 0.8];
/** Opportunities still open long after their SLA: decided only after a long pause. */
export const LONG_STALL_SHARE = 0.06;

/** Chance that a recycled lead comes back, by how many times it was recycled before. */
export const RECYCLE_RETURN = [0.42, 0.3, 0.2];
export const RECYCLE_RETURN_DAYS: [number, number] = [75, 0.8];
export const LOST_TO_RECYCLED = 0.5;

export const ENTRY_REASON = [
  'organic_form',
  'content_download',
  'ad_form',
  'social_form',
  'email_response',
  'webinar_registration',
  'seminar_registration',
  'event_badge_scan',
  'referral_intro',
  'outbound_call',
  'website_form',
];

export const LOST_REASONS = ['price', 'competitor', 'timing', 'no_decision', 'feature_gap'] as const;
export const LOST_REASON_CUMULATIVE = cumulative([0.27, 0.27, 0.2, 0.19, 0.07]);
export const CHURN_REASON_CUMULATIVE = cumulative([0.3, 0.25, 0.1, 0.15, 0.2]);

/** Median annual contract value (JPY) by employee band, and industry factors. */
export const DEAL_MEDIAN_BY_BAND = [1_000_000, 2_000_000, 3_800_000, 7_500_000];
export const DEAL_INDUSTRY_FACTOR = [1.1, 1.0, 0.9, 1.35, 0.95, 0.95, 0.9, 0.85];
export const DEAL_SIGMA = 0.8;
export const DEAL_MIN = 300_000;
export const DEAL_MAX = 50_000_000;

/** Yearly renewal probability by band (annual churn of roughly 8-12 % overall). */
export const RENEWAL_RATE_BY_BAND = [0.84, 0.88, 0.9, 0.93];
/** Expected upsell and cross-sell opportunities per customer year, by band. */
export const UPSELL_RATE_BY_BAND = [0.1, 0.2, 0.35, 0.6];
export const CROSS_SELL_RATE_BY_BAND = [0.05, 0.1, 0.16, 0.25];

/** Customers that existed before FY2024 (renewals from day one), per simulated lead. */
export const INSTALLED_BASE_PER_LEAD = 0.007;

/** Targets: each fiscal year's plan sits this far above what the company then achieves. */
export const PLAN_STRETCH: Record<number, number> = { 2024: 1.07, 2025: 1.12, 2026: 1.09 };
