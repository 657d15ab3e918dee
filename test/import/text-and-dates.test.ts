/*
 * The importer's cell-level rules: dates in a source zone to UTC, encoding
 * detection, NFKC keys, domains, amounts, value-map lookups and suggestions.
 * Expected values are written out by hand (UTC offsets of Asia/Tokyo +9,
 * New York -4 in April 2024 / -5 in January).
 */
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { DateReader } from '../../server/import/dates';
import { detectEncoding, normaliseDomain, normaliseEmail, parseAmount } from '../../server/import/text';
import { ValueMap } from '../../server/import/mapping';

describe('DateReader', () => {
  const tokyo = new DateReader('Asia/Tokyo');
  it.each([
    ['2024-04-03T00:15:00.000Z', '2024-04-03T00:15:00Z'], // Salesforce Data Loader, Marketo bulk
    ['2024-04-03T09:15:00+09:00', '2024-04-03T00:15:00Z'],
    ['2024-04-03 09:15', '2024-04-03T00:15:00Z'], // HubSpot export, portal zone
    ['2024/04/03 9:15', '2024-04-03T00:15:00Z'], // Salesforce report, Excel
    ['2024/4/3', '2024-04-02T15:00:00Z'],
    ['2024年4月3日', '2024-04-02T15:00:00Z'],
    ['2024年4月3日 9時15分', '2024-04-03T00:15:00Z'],
    ['２０２４/４/３ ９:１５', '2024-04-03T00:15:00Z'], // full-width digits
    ['1712103300000', '2024-04-03T00:15:00Z'],
  ])('reads %s', (raw, utc) => expect(tokyo.read(raw)).toBe(utc));

  it.each(['2024-02-30', '2024/13/01', '03.04.2024x', 'yesterday', ''])('refuses %s', (raw) =>
    expect(tokyo.read(raw)).toBeUndefined(),
  );

  it('uses the zone offset of the day (daylight saving) and a given luxon format', () => {
    const ny = new DateReader('America/New_York', 'M/d/yyyy h:mm a');
    expect(ny.read('4/3/2024 9:15 AM')).toBe('2024-04-03T13:15:00Z');
    expect(ny.read('1/3/2024 9:15 AM')).toBe('2024-01-03T14:15:00Z');
    expect(new DateReader('America/New_York').read('2024-01-03 09:15')).toBe('2024-01-03T14:15:00Z');
  });

  it('refuses an unknown zone', () => expect(() => new DateReader('Tokyo/Japan')).toThrow(/Unknown time zone/));
});

describe('detectEncoding', () => {
  const text = 'メールアドレス,会社名\nsato@example.jp,株式会社サンプル\n';
  it('tells UTF-8 (with and without BOM) from Shift_JIS', () => {
    expect(detectEncoding(Buffer.from(text))).toBe('utf8');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe('utf8');
    expect(detectEncoding(iconv.encode(text.repeat(20), 'cp932'))).toBe('cp932');
  });
  it('keeps a UTF-8 file with one broken byte as UTF-8, so only that row is quarantined', () => {
    const broken = Buffer.concat([Buffer.from(text.repeat(20)), Buffer.from([0xff]), Buffer.from(text)]);
    expect(detectEncoding(broken)).toBe('utf8');
  });
});

describe('keys', () => {
  it('folds full-width emails and rejects malformed ones', () => {
    expect(normaliseEmail(' ＨＡＮＡＫＯ＠ＢＥＴＡ.example.com ')).toBe('hanako@beta.example.com');
    expect(normaliseEmail('Taro.Yamada@Acme.example.co.jp')).toBe('taro.yamada@acme.example.co.jp');
    for (const bad of ['shiro@', '@example.jp', 'no at sign', 'a b@example.jp']) expect(normaliseEmail(bad)).toBeUndefined();
  });
  it('reduces URLs, bare domains and emails to one domain', () => {
    for (const raw of [
      'https://www.acme.example.co.jp/',
      'acme.example.co.jp',
      'WWW.ACME.EXAMPLE.CO.JP:443/about',
      'x@acme.example.co.jp',
    ]) {
      expect(normaliseDomain(raw)).toBe('acme.example.co.jp');
    }
    expect(normaliseDomain('not a domain')).toBeUndefined();
  });
  it('reads amounts as exports write them', () => {
    expect([parseAmount('1,500,000'), parseAmount('¥1,000,000'), parseAmount('3000000.0'), parseAmount('１２０万')]).toEqual([
      1_500_000,
      1_000_000,
      3_000_000,
      undefined,
    ]);
    expect(parseAmount('-5000')).toBe(-5000);
  });
});

describe('ValueMap', () => {
  const stages = new ValueMap(
    'stages',
    ['lead', 'mql', 'sql'],
    { marketingqualifiedlead: 'mql', evangelist: null },
    { ホット: 'mql' },
  );
  it('meets labels and internal values, case and width folded; null means ignore', () => {
    expect(stages.get('Marketing Qualified Lead')).toBe('mql');
    expect(stages.get('ＭＱＬ')).toBe('mql');
    expect(stages.get('ホット')).toBe('mql');
    expect(stages.get('Evangelist')).toBeNull();
    expect(stages.get('Zombie')).toBeUndefined();
  });
  it('suggests the closest canonical value as a mapping entry', () => {
    expect(stages.suggest('SQL stage')).toBe(
      'add "SQL stage: sql" (or another stage) under stages: in a mapping file given with --mapping',
    );
  });
});
