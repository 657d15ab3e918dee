/*
 * Accounts (buying groups) and their contacts: invented Japanese company
 * names with example.com e-mail domains, firmographics, which account a new
 * lead belongs to, and each account's life as a customer.
 *
 * A new lead opens a new account about 40 % of the time; otherwise it joins
 * a recently active account (bigger companies bring more stakeholders), now
 * and then an account that went quiet long ago (purchases stall and resume),
 * and a few leads are contacts of existing customers (they join user webinars
 * and newsletters; their renewals and upsells are credited to them).
 * A customer's renewal outcomes are decided when it first wins, so later
 * leads of the account see whether it is a customer at any instant. The
 * installed base (customers from before FY2024) has no leads until one of
 * its contacts shows up. Memory is O(accounts + leads) numbers, a few hundred
 * bytes per account.
 */

import { AS_OF, DAY, WINDOW_START, dayFromCivil, jstDay, previousBusinessDay, placeInDay } from './calendar.js';
import {
  BAND_CONTACT_WEIGHT,
  BAND_CUMULATIVE,
  DEAL_INDUSTRY_FACTOR,
  DEAL_MAX,
  DEAL_MEDIAN_BY_BAND,
  DEAL_MIN,
  DEAL_SIGMA,
  INDUSTRY_CUMULATIVE,
  OFFLINE_CHANNELS,
  REGION_CUMULATIVE,
  RENEWAL_RATE_BY_BAND,
  ownerTeam,
} from './company.js';
import { Random } from './random.js';

type Part = readonly [ja: string, romaji: string];

const GENERIC_PREFIXES: readonly Part[] = [
  ['東洋', 'toyo'],
  ['日本', 'nihon'],
  ['大和', 'yamato'],
  ['中央', 'chuo'],
  ['富士', 'fuji'],
  ['三栄', 'sanei'],
  ['新光', 'shinko'],
  ['光洋', 'koyo'],
  ['昭和', 'showa'],
  ['平和', 'heiwa'],
  ['協和', 'kyowa'],
  ['大同', 'daido'],
  ['丸和', 'maruwa'],
  ['旭', 'asahi'],
  ['三協', 'sankyo'],
  ['太陽', 'taiyo'],
  ['明星', 'myojo'],
  ['日進', 'nisshin'],
  ['高木', 'takagi'],
  ['松本', 'matsumoto'],
  ['石川', 'ishikawa'],
  ['青葉', 'aoba'],
  ['桜井', 'sakurai'],
  ['未来', 'mirai'],
  ['新和', 'shinwa'],
  ['共栄', 'kyoei'],
  ['山田', 'yamada'],
  ['中村', 'nakamura'],
  ['小林', 'kobayashi'],
  ['森田', 'morita'],
  ['岡田', 'okada'],
  ['西村', 'nishimura'],
  ['北斗', 'hokuto'],
  ['白鳥', 'shiratori'],
  ['若葉', 'wakaba'],
  ['千代田', 'chiyoda'],
  ['常盤', 'tokiwa'],
  ['菱和', 'ryowa'],
  ['東邦', 'toho'],
  ['大栄', 'daiei'],
  ['第一', 'daiichi'],
  ['双葉', 'futaba'],
  ['栄光', 'eiko'],
  ['三和', 'sanwa'],
  ['日東', 'nitto'],
  ['弘和', 'kowa'],
  ['誠和', 'seiwa'],
  ['泉', 'izumi'],
  ['藤井', 'fujii'],
  ['村上', 'murakami'],
  ['飛鳥', 'asuka'],
  ['新星', 'shinsei'],
  ['晴海', 'harumi'],
  ['葵', 'aoi'],
];

const REGION_PREFIXES: readonly (readonly Part[])[] = [
  [
    ['武蔵野', 'musashino'],
    ['江戸川', 'edogawa'],
    ['湘南', 'shonan'],
    ['房総', 'boso'],
    ['多摩', 'tama'],
    ['横浜', 'yokohama'],
    ['関東', 'kanto'],
  ],
  [
    ['浪速', 'naniwa'],
    ['京阪', 'keihan'],
    ['近畿', 'kinki'],
    ['堺', 'sakai'],
    ['神戸', 'kobe'],
    ['難波', 'namba'],
    ['洛北', 'rakuhoku'],
  ],
  [
    ['東海', 'tokai'],
    ['中部', 'chubu'],
    ['尾張', 'owari'],
    ['三河', 'mikawa'],
    ['信州', 'shinshu'],
    ['北陸', 'hokuriku'],
  ],
  [
    ['九州', 'kyushu'],
    ['博多', 'hakata'],
    ['筑紫', 'chikushi'],
    ['南国', 'nangoku'],
    ['肥後', 'higo'],
  ],
  [
    ['東北', 'tohoku'],
    ['仙台', 'sendai'],
    ['奥州', 'oshu'],
    ['みちのく', 'michinoku'],
  ],
  [
    ['北海', 'hokkai'],
    ['札幌', 'sapporo'],
    ['道央', 'doo'],
    ['十勝', 'tokachi'],
  ],
  [
    ['瀬戸内', 'setouchi'],
    ['広島', 'hiroshima'],
    ['四国', 'shikoku'],
    ['讃岐', 'sanuki'],
    ['吉備', 'kibi'],
  ],
];

const MIDDLES: readonly Part[] = [
  ['テクノ', 'techno'],
  ['総合', 'sogo'],
  ['グローバル', 'global'],
  ['ニュー', 'new'],
];

const INDUSTRY_SUFFIXES: readonly (readonly Part[])[] = [
  [
    ['精機', 'seiki'],
    ['製作所', 'seisakusho'],
    ['工業', 'kogyo'],
    ['電機', 'denki'],
    ['化学', 'kagaku'],
    ['金属', 'kinzoku'],
    ['精工', 'seiko'],
    ['機械', 'kikai'],
    ['電子', 'denshi'],
  ],
  [
    ['システムズ', 'systems'],
    ['ソフト', 'soft'],
    ['テクノロジーズ', 'technologies'],
    ['情報システム', 'johosystem'],
    ['ソリューションズ', 'solutions'],
    ['データ', 'data'],
    ['ネットワークス', 'networks'],
  ],
  [
    ['商事', 'shoji'],
    ['ストア', 'store'],
    ['百貨店', 'hyakkaten'],
    ['薬局', 'yakkyoku'],
    ['マート', 'mart'],
    ['商店', 'shoten'],
    ['リテール', 'retail'],
  ],
  [
    ['証券', 'shoken'],
    ['リース', 'lease'],
    ['保険サービス', 'hoken'],
    ['ファイナンス', 'finance'],
    ['キャピタル', 'capital'],
    ['信用金庫', 'shinkin'],
  ],
  [
    ['メディカル', 'medical'],
    ['薬品', 'yakuhin'],
    ['ヘルスケア', 'healthcare'],
    ['ケアサービス', 'care'],
    ['医療サービス', 'iryo'],
  ],
  [
    ['運輸', 'unyu'],
    ['物流', 'butsuryu'],
    ['ロジスティクス', 'logistics'],
    ['倉庫', 'soko'],
    ['海運', 'kaiun'],
    ['陸運', 'rikuun'],
  ],
  [
    ['建設', 'kensetsu'],
    ['工務店', 'komuten'],
    ['住宅', 'jutaku'],
    ['設備', 'setsubi'],
    ['土木', 'doboku'],
    ['ハウス', 'house'],
  ],
  [
    ['コンサルティング', 'consulting'],
    ['総研', 'soken'],
    ['人材サービス', 'jinzai'],
    ['パートナーズ', 'partners'],
    ['会計サービス', 'kaikei'],
    ['リサーチ', 'research'],
  ],
];

const QUALIFIERS: readonly Part[] = [
  ['産業', 'sangyo'],
  ['興業', 'kogyo2'],
  ['開発', 'kaihatsu'],
  ['技研', 'giken'],
  ['サービス', 'service'],
  ['エンジニアリング', 'engineering'],
  ['ホールディングス', 'holdings'],
  ['ジャパン', 'japan'],
  ['販売', 'hanbai'],
  ['商会', 'shokai'],
  ['通商', 'tsusho'],
  ['実業', 'jitsugyo'],
];

const FAMILY_NAMES = [
  'sato',
  'suzuki',
  'takahashi',
  'tanaka',
  'ito',
  'watanabe',
  'yamamoto',
  'nakamura',
  'kobayashi',
  'kato',
  'yoshida',
  'yamada',
  'sasaki',
  'yamaguchi',
  'matsumoto',
  'inoue',
  'kimura',
  'hayashi',
  'saito',
  'shimizu',
  'yamazaki',
  'mori',
  'abe',
  'ikeda',
  'hashimoto',
  'yamashita',
  'ishikawa',
  'nakajima',
  'maeda',
  'fujita',
  'ogawa',
  'goto',
  'okada',
  'hasegawa',
  'murakami',
  'kondo',
  'ishii',
  'sakamoto',
  'endo',
  'aoki',
  'fujii',
  'nishimura',
  'fukuda',
  'ota',
  'miura',
  'fujiwara',
  'okamoto',
  'matsuda',
  'nakagawa',
  'nakano',
  'harada',
  'ono',
  'tamura',
  'takeuchi',
  'kaneko',
  'wada',
];
const GIVEN_NAMES = [
  'hiroshi',
  'takashi',
  'yuki',
  'kenji',
  'daisuke',
  'makoto',
  'naoki',
  'satoshi',
  'shota',
  'yusuke',
  'akira',
  'haruka',
  'yumi',
  'ayaka',
  'misaki',
  'kaori',
  'megumi',
  'tomoko',
  'yoko',
  'emi',
  'nanami',
  'sakura',
  'ryo',
  'kazuki',
  'takuya',
  'kenta',
  'yuta',
  'mai',
  'aya',
  'nao',
  'hiroki',
  'tetsuya',
  'masato',
  'koji',
  'junko',
  'rie',
  'keiko',
  'shun',
  'ren',
  'sho',
];

export interface Cycle {
  since: number;
  ordinal: number;
  /** Renewal dates (close instants) of this customer cycle; the last is the churn when churnAt is finite. */
  renewals: number[];
  churnAt: number;
  /** Flat [instant, amount, lead index] of new-business wins inside the cycle (lead -1 for the installed base). */
  wins: number[];
}

export interface Account {
  index: number;
  name: string;
  domain: string;
  industry: number;
  band: number;
  region: number;
  team: number;
  createdAt: number;
  emailStyle: number;
  /** Name keys (family × 256 + given name or initial) of the account's contacts, to keep e-mail addresses unique. */
  nameKeys: number[];
  contacts: number[];
  contactTimes: number[];
  untracked: boolean;
  installedBase: boolean;
  /** Flat [created, closed (Infinity while open), won 1/0] of new-business opportunities. */
  deals: number[];
  /** Flat [instant, amount, lead index] of new-business wins (installed base: the pre-FY2024 contract). */
  wins: number[];
  cycles: Cycle[] | null;
}

export function accountId(index: number): string {
  return `AC${String(index + 1).padStart(6, '0')}`;
}

export function dealAmount(band: number, industry: number, rng: Random, factor = 1): number {
  let amount = rng.logNormal((DEAL_MEDIAN_BY_BAND[band] as number) * (DEAL_INDUSTRY_FACTOR[industry] as number), DEAL_SIGMA);
  if (rng.chance(band === 3 ? 0.15 : 0.04)) amount *= 1 + rng.pareto(1.4);
  amount = Math.min(DEAL_MAX, Math.max(DEAL_MIN, amount * factor));
  const unit = amount < 5_000_000 ? 10_000 : 100_000;
  return Math.round(amount / unit) * unit;
}

const RENEWAL_HORIZON = AS_OF + 400 * DAY;
const P_NEW_ACCOUNT = 0.4;
const P_RESUME_OLD = 0.04;

export class AccountBook {
  readonly accounts: Account[] = [];
  private readonly seed: number;
  private readonly rng: Random;
  private readonly names = new Set<string>();
  private readonly domains = new Map<string, number>();
  private readonly recent: number[] = [];
  private readonly recentCapacity: number;
  private recentNext = 0;
  private readonly customers: number[] = [];
  private readonly installedWaiting: number[];
  private waitingNext = 0;

  constructor(seed: number, totalLeads: number, installedBase: number) {
    this.seed = seed;
    this.rng = Random.stream(seed, 'accounts');
    this.recentCapacity = Math.max(40, Math.round(totalLeads * P_NEW_ACCOUNT * 0.13));
    const ib = Random.stream(seed, 'installed-base');
    const created: Account[] = [];
    for (let i = 0; i < installedBase; i++) {
      const anniversary = dayFromCivil(ib.int(2019, 2023), 4, 20) + ib.int(0, 364);
      const since = placeInDay(previousBusinessDay(anniversary), 'office', ib);
      const acc = this.create(since - ib.int(30, 400) * DAY, -1, ib);
      acc.installedBase = true;
      acc.untracked = false;
      const grownBy = 1 + 0.12 * ((WINDOW_START - since) / (365.25 * DAY));
      acc.wins.push(since, Math.round((dealAmount(acc.band, acc.industry, ib) * grownBy) / 10_000) * 10_000, -1);
      created.push(acc);
      this.customers.push(acc.index);
    }
    this.installedWaiting = created
      .map((a) => ({ a, next: this.cyclesOf(a)[0]?.renewals.find((r) => r >= WINDOW_START) ?? Infinity }))
      .sort((x, y) => x.next - y.next || x.a.index - y.a.index)
      .map((x) => x.a.index);
  }

  private create(createdAt: number, firstChannel: number, rng: Random): Account {
    const industry = rng.weighted(INDUSTRY_CUMULATIVE);
    const band = rng.weighted(BAND_CUMULATIVE);
    const region = rng.weighted(REGION_CUMULATIVE);
    let name = '';
    let slug = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const prefix = rng.chance(0.25) ? rng.pick(REGION_PREFIXES[region] as readonly Part[]) : rng.pick(GENERIC_PREFIXES);
      const middle = rng.chance(0.15) ? rng.pick(MIDDLES) : null;
      const suffix = rng.pick(INDUSTRY_SUFFIXES[industry] as readonly Part[]);
      const qualifier = attempt >= 1 ? rng.pick(QUALIFIERS) : null;
      const core = `${prefix[0]}${middle ? middle[0] : ''}${suffix[0]}${qualifier ? qualifier[0] : ''}`;
      name = suffix[1] === 'shinkin' ? core : rng.chance(0.6) ? `株式会社${core}` : `${core}株式会社`;
      slug = `${prefix[1]}${middle ? `-${middle[1]}` : ''}-${suffix[1]}${qualifier ? `-${qualifier[1]}` : ''}`;
      if (!this.names.has(name)) break;
    }
    this.names.add(name);
    const seen = this.domains.get(slug) ?? 0;
    this.domains.set(slug, seen + 1);
    const domain = seen === 0 ? `${slug}.example.com` : `${slug}-${seen + 1}.example.com`;
    const offline = OFFLINE_CHANNELS.includes(firstChannel);
    const acc: Account = {
      index: this.accounts.length,
      name,
      domain,
      industry,
      band,
      region,
      team: ownerTeam(band, region),
      createdAt,
      emailStyle: rng.int(0, 4),
      nameKeys: [],
      contacts: [],
      contactTimes: [],
      untracked: offline ? rng.chance(0.22) : rng.chance(0.004),
      installedBase: false,
      deals: [],
      wins: [],
      cycles: null,
    };
    this.accounts.push(acc);
    return acc;
  }

  private remember(index: number): void {
    if (this.recent.length < this.recentCapacity) this.recent.push(index);
    else {
      this.recent[this.recentNext] = index;
      this.recentNext = (this.recentNext + 1) % this.recentCapacity;
    }
  }

  /** The account of a lead arriving at `at` through `channel`. */
  assign(at: number, channel: number): Account {
    const rng = this.rng;
    const offline = OFFLINE_CHANNELS.includes(channel);
    const waiting = this.waitingNext < this.installedWaiting.length;
    if (this.customers.length > 0 && rng.chance(waiting ? 0.14 : 0.015)) {
      if (waiting) return this.accounts[this.installedWaiting[this.waitingNext++] as number] as Account;
      for (let attempt = 0; attempt < 4; attempt++) {
        const acc = this.accounts[rng.pick(this.customers)] as Account;
        if ((!acc.untracked || offline) && this.isCustomerAt(acc, at)) return acc;
      }
    }
    if (this.recent.length > 0 && !rng.chance(P_NEW_ACCOUNT)) {
      if (rng.chance(P_RESUME_OLD)) {
        const acc = this.accounts[rng.int(0, this.accounts.length - 1)] as Account;
        if ((!acc.untracked || offline) && acc.createdAt <= at) {
          this.remember(acc.index);
          return acc;
        }
      }
      for (let attempt = 0; attempt < 8; attempt++) {
        const acc = this.accounts[rng.pick(this.recent)] as Account;
        if (acc.untracked && !offline) continue;
        const crowding = 1 + acc.contacts.length / 12;
        if (rng.chance((BAND_CONTACT_WEIGHT[acc.band] as number) / 5.5 / crowding)) {
          if (rng.chance(0.25)) this.remember(acc.index);
          return acc;
        }
      }
    }
    const acc = this.create(at, channel, rng);
    this.remember(acc.index);
    return acc;
  }

  /** A unique, lower-case e-mail address for a new contact of the account. */
  email(acc: Account, rng: Random): string {
    const familyIndex = rng.int(0, FAMILY_NAMES.length - 1);
    const givenIndex = rng.int(0, GIVEN_NAMES.length - 1);
    const family = FAMILY_NAMES[familyIndex] as string;
    const given = GIVEN_NAMES[givenIndex] as string;
    let local: string;
    switch (acc.emailStyle) {
      case 0:
        local = `${given}.${family}`;
        break;
      case 1:
        local = `${family}.${given}`;
        break;
      case 2:
        local = `${given[0]}.${family}`;
        break;
      case 3:
        local = `${family}_${given[0]}`;
        break;
      default:
        local = `${family}-${given}`;
        break;
    }
    const key = familyIndex * 256 + (acc.emailStyle === 2 || acc.emailStyle === 3 ? given.charCodeAt(0) : givenIndex);
    let twins = 0;
    for (const k of acc.nameKeys) if (k === key) twins++;
    acc.nameKeys.push(key);
    return `${local}${twins > 0 ? twins + 1 : ''}@${acc.domain}`;
  }

  addContact(acc: Account, leadIndex: number, at: number): void {
    acc.contacts.push(leadIndex);
    acc.contactTimes.push(at);
  }

  registerDeal(acc: Account, created: number, closed: number, won: boolean): void {
    acc.deals.push(created, closed, won ? 1 : 0);
  }

  /** The new-business deal of the account open at `at`: [closed, won] or null. */
  openDealAt(acc: Account, at: number): [number, boolean] | null {
    for (let i = 0; i < acc.deals.length; i += 3) {
      if ((acc.deals[i] as number) <= at && at < (acc.deals[i + 1] as number))
        return [acc.deals[i + 1] as number, acc.deals[i + 2] === 1];
    }
    return null;
  }

  registerWin(acc: Account, at: number, amount: number, leadIndex: number): void {
    const wasCustomer = acc.wins.length > 0;
    acc.wins.push(at, amount, leadIndex);
    acc.cycles = null;
    if (!wasCustomer) this.customers.push(acc.index);
  }

  isCustomerAt(acc: Account, at: number): boolean {
    if (acc.wins.length === 0) return false;
    for (const c of this.cyclesOf(acc)) if (c.since <= at && at < c.churnAt) return true;
    return false;
  }

  /** Customer cycles from the account's wins: a win after a churn starts a new cycle. */
  cyclesOf(acc: Account): Cycle[] {
    if (acc.cycles) return acc.cycles;
    const order: number[] = [];
    for (let i = 0; i < acc.wins.length; i += 3) order.push(i);
    order.sort((a, b) => (acc.wins[a] as number) - (acc.wins[b] as number) || a - b);
    const cycles: Cycle[] = [];
    for (const i of order) {
      const at = acc.wins[i] as number;
      const current = cycles[cycles.length - 1];
      if (current && at < current.churnAt) {
        current.wins.push(at, acc.wins[i + 1] as number, acc.wins[i + 2] as number);
        continue;
      }
      const ordinal = cycles.length;
      const rng = Random.stream(this.seed, 'renewals', acc.index, ordinal);
      const renewals: number[] = [];
      let churnAt = Infinity;
      const installedBase = acc.installedBase && ordinal === 0;
      const startDay = jstDay(at);
      for (let k = 1; ; k++) {
        const day = previousBusinessDay(startDay + Math.round(k * 365.25));
        const close = placeInDay(day, 'office', rng);
        const renews = rng.chance(RENEWAL_RATE_BY_BAND[acc.band] as number);
        if (close > RENEWAL_HORIZON) break;
        if (close < WINDOW_START) continue;
        renewals.push(close);
        if (!renews && !(installedBase && renewals.length === 1)) {
          churnAt = close;
          break;
        }
      }
      cycles.push({ since: at, ordinal, renewals, churnAt, wins: [at, acc.wins[i + 1] as number, acc.wins[i + 2] as number] });
    }
    acc.cycles = cycles;
    return cycles;
  }

  /** churned_at: the end of the account's last customer cycle, when that is by as_of. */
  churnedAt(acc: Account): number | null {
    if (acc.wins.length === 0) return null;
    const cycles = this.cyclesOf(acc);
    const last = cycles[cycles.length - 1] as Cycle;
    return last.churnAt <= AS_OF ? last.churnAt : null;
  }
}
