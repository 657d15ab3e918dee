/*
 * Text as vendors' exports write it: encoding detection (UTF-8 with or
 * without BOM, Shift_JIS / CP932 as Excel in Japan saves it), and the
 * normalisation of keys (NFKC folds full-width letters, digits and ＠).
 *
 * Limits: detection reads the first megabyte of a file; a file that is
 * UTF-8 there and something else further down is decoded as UTF-8 and its
 * bad bytes show up as U+FFFD, which the reader turns into a quarantined row.
 * Company names and other free text are never normalised: 株式会社 stays
 * where the source wrote it.
 */
import Encoding from 'encoding-japanese';

export type TextEncoding = 'utf8' | 'cp932' | 'eucjp' | 'utf16le';

const SAMPLE_BYTES = 1 << 20;

/** Which encoding a file's first bytes are in; a BOM decides, else UTF-8 if valid, else what encoding-japanese detects. */
export function detectEncoding(sample: Buffer): TextEncoding {
  const head = sample.subarray(0, SAMPLE_BYTES);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
  // A multi-byte character may be cut at the end of the sample: ignore its last 3 bytes.
  const whole = head.length < SAMPLE_BYTES ? head : head.subarray(0, head.length - 3);
  const text = new TextDecoder('utf-8').decode(whole);
  let broken = 0;
  let wide = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) broken++;
    else if (c > 0x7f) wide++;
  }
  // UTF-8 with a few broken bytes stays UTF-8 (those rows are quarantined); a Shift_JIS file is mostly "broken".
  if (broken === 0 || broken <= Math.max(2, wide / 50)) return 'utf8';
  const detected = Encoding.detect(head);
  if (detected === 'SJIS') return 'cp932';
  if (detected === 'EUCJP') return 'eucjp';
  return 'utf8';
}

/** Canonical names for the encodings a mapping may name. */
export function parseEncodingName(name: string): TextEncoding | 'auto' {
  const n = name.toLowerCase().replace(/[-_ ]/g, '');
  if (n === 'auto') return 'auto';
  if (n === 'utf8' || n === 'utf8bom') return 'utf8';
  if (['sjis', 'shiftjis', 'cp932', 'windows31j', 'ms932'].includes(n)) return 'cp932';
  if (n === 'eucjp') return 'eucjp';
  if (n === 'utf16' || n === 'utf16le') return 'utf16le';
  throw new Error(`Unknown encoding "${name}" (use auto, utf-8, shift_jis/cp932, euc-jp or utf-16le)`);
}

/** NFKC, trimmed: full-width ＡＢＣ１２３＠ become ABC123@; used for ids, codes and emails. */
export const fold = (v: string): string => v.normalize('NFKC').trim();

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The MA key: NFKC, trimmed, lower-cased; undefined when it is not an address. */
export function normaliseEmail(raw: string): string | undefined {
  const v = fold(raw).toLowerCase();
  return EMAIL.test(v) ? v : undefined;
}

/** A company's domain from a URL, a bare domain or an email: lower-cased, without scheme, www. and path. */
export function normaliseDomain(raw: string): string | undefined {
  let v = fold(raw).toLowerCase();
  if (!v) return undefined;
  const at = v.lastIndexOf('@');
  if (at >= 0) v = v.slice(at + 1);
  v = v
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^www\./, '');
  return /^[a-z0-9.-]+\.[a-z]{2,}$/.test(v) ? v : undefined;
}

/**
 * Mailbox providers: a person on one of these has no company domain, so the
 * address alone never matches them to an account.
 */
export const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.jp',
  'ymail.ne.jp',
  'hotmail.com',
  'hotmail.co.jp',
  'outlook.com',
  'outlook.jp',
  'live.jp',
  'live.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'msn.com',
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'au.com',
  'softbank.ne.jp',
  'i.softbank.jp',
  'nifty.com',
  'biglobe.ne.jp',
  'ocn.ne.jp',
]);

/** A plain integer amount: full-width digits, thousands separators, ¥/￥/円 and a trailing .0 tolerated. */
export function parseAmount(raw: string): number | undefined {
  const v = fold(raw)
    .replace(/[,¥円\s]/g, '')
    .replace(/^JPY/i, '');
  if (!/^[+-]?\d+(\.\d+)?$/.test(v)) return undefined;
  return Math.round(Number(v));
}
