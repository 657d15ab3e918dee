/*
 * Text as vendors' exports write it: encoding detection (UTF-8 with or
 * without BOM, Shift_JIS / CP932 as Excel in Japan saves it), and the
 * normalisation of keys (NFKC folds full-width letters, digits and ＠).
 *
 * Detection decides on whole characters: a sample is cut after its last
 * line feed (0x0A is never part of a character in UTF-8, Shift_JIS or
 * EUC-JP), and read-csv.ts reads on past the first megabyte until the
 * sample holds a non-ASCII byte, so neither where a sample ends nor a first
 * megabyte of plain ASCII can decide wrong. (encoding-japanese answers
 * UNICODE for a Shift_JIS sample cut inside a two-byte character.) A UTF-8
 * file with a few bad bytes stays UTF-8; those rows show U+FFFD and are
 * quarantined by the reader.
 * Company names and other free text are never normalised: 株式会社 stays
 * where the source wrote it.
 */
import Encoding from 'encoding-japanese';

export type TextEncoding = 'utf8' | 'cp932' | 'eucjp' | 'utf16le';

/** Bytes a detection sample aims at; read-csv.ts reads on to the end of a line. */
export const SAMPLE_BYTES = 1 << 20;

const LF = 0x0a;

/** The sample up to and including its last line feed; the whole sample when it is the whole file or has none. */
export function wholeLines(sample: Buffer, complete: boolean): Buffer {
  if (complete) return sample;
  const last = sample.lastIndexOf(LF);
  return last < 0 ? sample : sample.subarray(0, last + 1);
}

/** Whether a byte above 0x7F occurs (the only bytes an encoding decision can rest on). */
export const hasNonAscii = (buf: Buffer): boolean => {
  for (let i = 0; i < buf.length; i++) if (buf[i]! > 0x7f) return true;
  return false;
};

/**
 * Which encoding a sample is in. A BOM decides; else strictly valid UTF-8;
 * else UTF-8 with a few bad bytes among many good characters stays UTF-8;
 * else Shift_JIS (CP932) or EUC-JP when the sample is valid in it.
 * `complete: false` says the sample was cut from a longer file: it is then
 * judged on its whole lines only.
 */
export function detectEncoding(sample: Buffer, opts: { complete?: boolean } = {}): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf16le';
  const whole = wholeLines(sample, opts.complete ?? true);
  if (!hasNonAscii(whole)) return 'utf8';
  const text = new TextDecoder('utf-8').decode(whole);
  let broken = 0;
  let wide = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) broken++;
    else if (c > 0x7f) wide++;
  }
  if (broken === 0 || broken <= wide / 50) return 'utf8';
  if (Encoding.detect(whole, 'SJIS')) return 'cp932';
  if (Encoding.detect(whole, 'EUCJP')) return 'eucjp';
  const detected = Encoding.detect(whole);
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

/**
 * Legal forms a Japanese (or English) company name carries, written in any of
 * the ways exports write them: 株式会社, (株) and ㈱ (NFKC turns ㈱ into (株)),
 * カブシキガイシャ, 有限会社, 合同会社 …, Co., Ltd., Inc., K.K.
 */
const LEGAL_FORM =
  /株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|\((?:株|有|同|資|名)\)|カブシキガイシャ|カブシキカイシャ|ユウゲンガイシャ|ゴウドウガイシャ|\bco\.?,?\s*ltd\.?|\binc\.?$|\bcorp(?:oration)?\.?$|\bk\.k\.?$|\bltd\.?$/giu;

/**
 * The key two records of one company meet on when neither has a domain:
 * NFKC (full-width and half-width katakana, ㈱), legal forms removed, spaces
 * and punctuation removed, lower case. 「株式会社アクメ」, 「アクメ ㈱」 and
 * 「ｱｸﾒ(株)」 all give "アクメ"; undefined when nothing is left.
 */
export function companyNameKey(raw: string): string | undefined {
  const v = raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(LEGAL_FORM, '')
    .replace(/[\s・.,、。'"()（）「」&＆-]+/gu, '');
  return v === '' ? undefined : v;
}

/** A 法人番号 (Japan's 13-digit corporate number), full-width digits and hyphens tolerated; undefined otherwise. */
export function corporateNumber(raw: string): string | undefined {
  const v = fold(raw).replace(/[-\s]/g, '');
  return /^\d{13}$/.test(v) ? v : undefined;
}

/** A plain integer amount: full-width digits, thousands separators, ¥/￥/円 and a trailing .0 tolerated. */
export function parseAmount(raw: string): number | undefined {
  const v = fold(raw)
    .replace(/[,¥円\s]/g, '')
    .replace(/^JPY/i, '');
  if (!/^[+-]?\d+(\.\d+)?$/.test(v)) return undefined;
  return Math.round(Number(v));
}
