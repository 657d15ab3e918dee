/*
 * The meeting pack (docs/schedules.md, "The meeting pack"): what the server's
 * route, the CLI, the schedules and the dashboard's review page agree on.
 * Browser-safe.
 */

/** The KPIs of the tree the review page's comparison table and the pack's KGI table show, in this order. */
export const HEADLINE_NODES = [
  'revenue',
  'wins',
  'average_deal_size',
  'conversion:opportunity->won',
  'opportunities',
  'sql',
  'mql',
  'leads',
];

export const PACK_LANGUAGES = ['ja', 'en'] as const;
export type PackLanguage = (typeof PACK_LANGUAGES)[number];

/**
 * A period the pack is for: a fixed key ('FY2026', 'FY2026-Q3', '2026-11') or the month, fiscal quarter or fiscal
 * year holding the data's as-of day ('month', 'quarter', 'year').
 */
export const RELATIVE_PERIODS = ['month', 'quarter', 'year'] as const;
export type RelativePeriod = (typeof RELATIVE_PERIODS)[number];

export function isPackPeriod(value: string): boolean {
  return (
    (RELATIVE_PERIODS as readonly string[]).includes(value) ||
    /^FY\d{4}$/.test(value) ||
    /^FY\d{4}-Q[1-4]$/.test(value) ||
    /^\d{4}-(0[1-9]|1[0-2])$/.test(value)
  );
}

/** GET path of the pack's PDF. */
export const PACK_ROUTE = '/api/report/pack';

export function packPath(period: string, lang: PackLanguage): string {
  return `${PACK_ROUTE}?${new URLSearchParams({ period, lang }).toString()}`;
}

/** The file name a downloaded or attached pack carries. */
export function packFileName(periodKey: string, lang: PackLanguage): string {
  return `revcycle-pack-${periodKey}-${lang}.pdf`;
}
