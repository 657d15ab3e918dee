/*
 * Global filters (fiscal period, segment, channel) as kept in the URL, and
 * their translation into Cube filters for one view.
 *
 * URL form: ?period=FY2025-Q2&segment=industry:manufacturing&channel=webinar.
 * A card declares which of its view's members carry segment and channel; a
 * filter the view cannot apply is reported back (`unapplied`) so the card
 * can say so instead of silently showing unfiltered figures.
 */
import type { Filter } from '@cubejs-client/core';

export const SEGMENT_TYPES = ['industry', 'employee_band'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

export interface Segment {
  type: SegmentType;
  value: string;
}

export interface GlobalFilters {
  /** Fiscal period key ('FY2025', 'FY2025-Q2', '2025-07'); null = the default period. */
  period: string | null;
  segment: Segment | null;
  channel: string | null;
}

export type FilterName = 'segment' | 'channel';

/** Which members of a view carry the global filters. */
export interface FilterMapping {
  segment?: Partial<Record<SegmentType, string>>;
  channel?: string;
}

export function parseSegment(raw: string | null | undefined): Segment | null {
  if (!raw) return null;
  const i = raw.indexOf(':');
  if (i <= 0 || i === raw.length - 1) return null;
  const type = raw.slice(0, i) as SegmentType;
  if (!SEGMENT_TYPES.includes(type)) return null;
  return { type, value: raw.slice(i + 1) };
}

export function formatSegment(segment: Segment | null): string | null {
  return segment ? `${segment.type}:${segment.value}` : null;
}

export function parseFilters(params: URLSearchParams): GlobalFilters {
  return {
    period: params.get('period') || null,
    segment: parseSegment(params.get('segment')),
    channel: params.get('channel') || null,
  };
}

/** Writes the filters into a copy of `params`, leaving page-specific keys alone. */
export function writeFilters(params: URLSearchParams, filters: Partial<GlobalFilters>): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (k: string, v: string | null | undefined) => (v ? next.set(k, v) : next.delete(k));
  if ('period' in filters) set('period', filters.period);
  if ('segment' in filters) set('segment', formatSegment(filters.segment ?? null));
  if ('channel' in filters) set('channel', filters.channel);
  return next;
}

/** The global keys only, for links between pages. */
export function globalSearch(params: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const k of ['period', 'segment', 'channel', 'lang']) {
    const v = params.get(k);
    if (v) out.set(k, v);
  }
  const s = out.toString();
  return s ? `?${s}` : '';
}

export function buildViewFilters(filters: GlobalFilters, mapping: FilterMapping): { filters: Filter[]; unapplied: FilterName[] } {
  const out: Filter[] = [];
  const unapplied: FilterName[] = [];
  if (filters.segment) {
    const member = mapping.segment?.[filters.segment.type];
    if (member) out.push({ member, operator: 'equals', values: [filters.segment.value] });
    else unapplied.push('segment');
  }
  if (filters.channel) {
    if (mapping.channel) out.push({ member: mapping.channel, operator: 'equals', values: [filters.channel] });
    else unapplied.push('channel');
  }
  return { filters: out, unapplied };
}
