/*
 * The content map's one judgement (docs/metrics.md, definition 15), shared
 * by the dashboard card and the tests: a stage pair whose conversions carry
 * less than MISSING_CONTENT_SHARE of their credit on campaign (content)
 * touches under the chosen model is "missing content". A pair without any
 * conversion in the period cannot be judged and is reported as such.
 * Browser-safe.
 */

/** Content credit ÷ conversions below this marks a stage pair as missing content. */
export const MISSING_CONTENT_SHARE = 0.1;

export type ContentVerdict = 'covered' | 'missing' | 'no_conversions';

export function contentVerdict(contentCredit: number | null, conversions: number | null): ContentVerdict {
  if (!conversions) return 'no_conversions';
  return (contentCredit ?? 0) / conversions < MISSING_CONTENT_SHARE ? 'missing' : 'covered';
}
