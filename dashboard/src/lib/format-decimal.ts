/*
 * A number in the digit grouping Japanese and English share (1,234.5), with
 * at most `max` and at least `min` decimals: the text
 * `new Intl.NumberFormat('ja-JP' | 'en-US', { maximumFractionDigits: max,
 * minimumFractionDigits: min }).format(n)` gives, without Intl.
 *
 * Why not Intl: the first Intl.NumberFormat a page builds loads ICU's number
 * data, 30-140 ms of the page's main thread on the benchmark's machine
 * (a blank page, first `new Intl.NumberFormat('ja-JP')`), once per page load,
 * and every page formats figures. Both locales group by three with `,` and
 * use `.` and `-`, so the text needs no locale data.
 *
 * Rounding is Intl's: ICU rounds the shortest decimal that reads back as the
 * double (what String(n) spells: 1.005, not 1.00499999…), a tie away from
 * zero (halfExpand) — so 1.005 → "1.01" where toFixed gives "1.00".
 * Limits: non-finite values go to Intl; `max` and `min` as Intl accepts them.
 */

/** The digits of |n| as a whole part and a fraction, from the shortest decimal that reads back as n. */
function decimalParts(abs: number): [string, string] {
  const text = String(abs);
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + (e < 0 ? 0 : Number(text.slice(e + 1)));
  if (point <= 0) return ['0', '0'.repeat(-point) + digits];
  if (point >= digits.length) return [digits + '0'.repeat(point - digits.length), ''];
  return [digits.slice(0, point), digits.slice(point)];
}

/** A string of decimal digits plus one. */
function increment(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return '1' + '0'.repeat(digits.length);
  return digits.slice(0, i) + String(Number(digits[i]) + 1) + '0'.repeat(digits.length - i - 1);
}

export function formatDecimal(n: number, max = 0, min = 0): string {
  if (!Number.isFinite(n))
    return new Intl.NumberFormat('en-US', { maximumFractionDigits: max, minimumFractionDigits: min }).format(n);
  let [whole, fraction] = decimalParts(Math.abs(n));
  if (fraction.length > max) {
    const up = fraction.charCodeAt(max) >= 53; // the first dropped digit is 5 or more: half or more, away from zero
    fraction = fraction.slice(0, max);
    if (up) {
      const sum = increment(whole + fraction);
      whole = sum.slice(0, sum.length - max);
      fraction = sum.slice(sum.length - max);
    }
  }
  let end = fraction.length;
  while (end > min && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end).padEnd(min, '0');
  whole = whole.replace(/^0+(?=\d)/, '');
  let grouped = whole.slice(0, ((whole.length - 1) % 3) + 1);
  for (let i = grouped.length; i < whole.length; i += 3) grouped += `,${whole.slice(i, i + 3)}`;
  // Intl keeps the sign of a negative number that rounds to zero (-0.04 → "-0") and of -0.
  const negative = n < 0 || Object.is(n, -0);
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}
