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
import { lookupKey, ValueMap } from '../../server/import/mapping';
import { buildMaps, CANONICAL_CHANNELS, CANONICAL_STAGES } from '../../server/import/sources/common';
import { hubspotDefaults } from '../../server/import/sources/hubspot';
import { SOURCES } from '../../server/import/index';

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
  it('suggests no entry from the look of a word: the value stays unmapped and the choices are listed', () => {
    expect(stages.suggest('SQL stage')).toBe(
      'left unmapped: add "SQL stage: <stage>" under stages: in a mapping file given with --mapping, with one of lead, mql, sql, or null to ignore',
    );
  });
});

describe('suggestions for a HubSpot import, with every vendor list known', () => {
  const maps = buildMaps(
    hubspotDefaults,
    undefined,
    CANONICAL_CHANNELS,
    CANONICAL_STAGES,
    Object.values(SOURCES).map((s) => s.defaults),
  );
  it.each(['失注', '交渉', '新規', '対象外', 'Lost deal', 'Closed'])('proposes nothing for %s', (value) => {
    expect(maps.stages.get(value)).toBeUndefined();
    expect(maps.stages.suggest(value)).toMatch(new RegExp(`^left unmapped: add "${value}: <stage>"`));
    if (value !== '失注') expect(maps.deal_status.suggest(value)).toMatch(/^left unmapped/);
  });
  it('proposes 失注 as lost, as HubSpot’s Japanese deal stages define it, never as won', () => {
    expect(maps.deal_status.suggest('失注')).toMatch(/^add "失注: lost"/);
  });
  it('proposes what another vendor defines for exactly that value', () => {
    expect(maps.stages.suggest('Closed - Not Converted')).toMatch(/^add "Closed - Not Converted: disqualified" under stages:/);
    expect(maps.deal_status.suggest('closed lost')).toMatch(/^add "closed lost: lost" under deal_status:/);
  });
  it('never proposes a lost word as won, whatever a list says', () => {
    const map = new ValueMap('deal_status', ['open', 'won', 'lost']);
    map.known.set(lookupKey('失注'), 'won');
    map.known.set(lookupKey('Closed Lost'), 'won');
    expect(map.suggest('失注')).toMatch(/^left unmapped/);
    expect(map.suggest('Closed Lost')).toMatch(/^left unmapped/);
  });
});

describe('an unreadable date says why', () => {
  const tokyo = new DateReader('Asia/Tokyo');
  it.each([
    ['2025/13/45', 'impossible date (no month 13)'],
    ['2025-13-45 10:00', 'impossible date (no month 13)'],
    ['2024/2/30', 'impossible date (no day 30 in 2024-02)'],
    ['2025/4/1 25:05', 'impossible date (no time 25:05)'],
    ['2025-02-29T10:00:00Z', 'impossible date (no day 29 in 2025-02)'],
    ['April 1st', 'unknown date format'],
    ['1.4.2025', 'unknown date format'],
  ])('%s: %s', (raw, reason) => {
    expect(tokyo.read(raw)).toBeUndefined();
    expect(tokyo.explain(raw).reason).toBe(reason);
  });
});
