/*
 * Deterministic sample-data generator: writes every canonical input table of
 * the product contract (docs/metrics.md) as CSV for a
 * simulated Japanese B2B SaaS company, leads from 2024-04-01 (FY2024) to
 * as_of 2026-11-20T23:59:59+09:00 (inside FY2026), nothing after as_of.
 *
 *   npm run seeds -- [--leads N] [--seed S] [--out DIR] [--gzip]
 *
 * Defaults: 20,000 leads, seed 42, the repository's seeds/ folder, plain CSV.
 * The same N and seed give byte-identical files. Leads are simulated day by
 * day in created_at order and their rows streamed to disk, so memory grows
 * with accounts and leads (a few numbers each), never with touchpoints;
 * 1 M leads with --gzip is the benchmark size.
 *
 * Assumptions, taken from the contract's field facts (published Japanese B2B
 * survey figures, used as assumptions, not as data of ours):
 * - buyers shortlist about 3.8 vendors and mostly start with candidates in
 *   mind → referral, direct and inside-sales leads convert far better than
 *   cold online leads; win rates around 25 %;
 * - since 2020 online information gathering rose 47.6 % and webinars 35.4 %,
 *   exhibitions and seminars fell → the lead-source mix moves from trade
 *   shows and seminars to webinars and online channels, FY2024 → FY2026;
 * - revenue is Pareto-shaped (≈20 % of customers bring ≈80 %) → log-normal
 *   deal sizes by company size with a heavy tail, upsells to large customers;
 * - purchases stall and resume, several stakeholders decide → several
 *   contacts (personas) per account, long-tailed velocities, stalled leads;
 * - lost and unready leads are recycled to marketing and some come back;
 * - several stakeholders decide → a deal whose account had an executive
 *   engage before the opportunity wins more often (the one buying-group
 *   effect planted; buying-group.ts states it).
 * The numbers behind them are in company.ts; the Japanese calendar (fiscal
 * year from April, March/September closing peaks, Golden Week, Obon, year
 * end) in calendar.ts.
 *
 * Sales-and-marketing people and overhead per team (team_costs.csv): the
 * assumptions are in team-costs.ts.
 *
 * Choices the contract leaves open: side states get stage_order 91-93;
 * targets (leads, opportunities, wins, revenue) count every deal type, as
 * the warehouse's plan-against-actual mart does, and new_revenue is the
 * new-business part of the revenue target (what the funnel must produce); customers from before FY2024 (the installed base) appear as
 * accounts with renewals, upsells and churn but no new-business deal; inside
 * sales converts sal → sql worse in FY2026 H1 (a weakest link for the PDCA
 * views to find).
 */

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccountBook, accountId } from './accounts.js';
import { ArrivalPlan } from './arrivals.js';
import {
  AS_OF,
  AS_OF_DAY,
  DAY,
  FIRST_DAY,
  HOUR,
  MINUTE,
  TimeFormatter,
  dayStart,
  monthIndex,
  placeInDay,
  type DayProfile,
} from './calendar.js';
import { BuyingGroups } from './buying-group.js';
import { CampaignCalendar, journeyStep } from './campaigns.js';
import {
  BANDS,
  CH,
  CHANNELS,
  CHANNEL_ROWS,
  INDUSTRIES,
  INSTALLED_BASE_PER_LEAD,
  LEAD,
  OPPORTUNITY,
  PERSONAS,
  PERSONA_BY_BAND,
  RECYCLED,
  REGIONS,
  settingRows,
  STAGES,
  STAGE_ROWS,
  TEAMS,
  WON,
} from './company.js';
import { expansionOpportunities } from './expansion.js';
import { LifecycleSimulator, transitionTeam, type LeadDraft, type Lifecycle } from './lifecycle.js';
import { Achievements, TARGET_METRICS, channelCosts, targets } from './plan.js';
import { Random, hashString } from './random.js';
import { teamCosts } from './team-costs.js';
import { TOUCH_TYPES, TOUCH_TYPE_LABELS, TouchGenerator } from './touches.js';
import { CsvWriter, yieldToIo } from './write-csv.js';
import { CANONICAL_TABLES, type CanonicalTableName } from '../../server/contract/canonical-tables.js';

interface Options {
  leads: number;
  seed: number;
  out: string;
  gzip: boolean;
  /** settings.csv values replacing the defaults (--time-zone, --fiscal-year-start). */
  settings: Record<string, string>;
}

/** The canonical tables the generator leaves out: the bundled definitions stand in; contact roles come from a CRM. */
const NOT_GENERATED = ['stage_definitions', 'stage_definition_changes', 'opportunity_contact_roles'] as const;
type Table = Exclude<CanonicalTableName, (typeof NOT_GENERATED)[number]>;
/** The files the generator writes, with the contract's columns (the rows below give their values in that order). */
const TABLES = CANONICAL_TABLES.filter(
  (t): t is Extract<(typeof CANONICAL_TABLES)[number], { name: Table }> => !(NOT_GENERATED as readonly string[]).includes(t.name),
);
const COLUMNS = Object.fromEntries(TABLES.map((t) => [t.name, t.columns.map((c) => c.name)])) as Record<Table, string[]>;

const LEAD_STREAM = hashString('lead');
const USAGE =
  'usage: npm run seeds -- [--leads N] [--seed S] [--out DIR] [--gzip] [--time-zone ZONE] [--fiscal-year-start MONTH]';

function parseOptions(argv: readonly string[]): Options {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const options: Options = { leads: 20_000, seed: 42, out: path.resolve(here, '..'), gzip: false, settings: {} };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    const integer = (v: string, min: number) => {
      if (!/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v)))
        throw new Error(`${flag} must be an integer >= ${min}\n${USAGE}`);
      return Number(v);
    };
    switch (flag) {
      case '--leads':
        options.leads = integer(value(), 1);
        break;
      case '--seed':
        options.seed = integer(value(), 0);
        break;
      case '--out':
        options.out = path.resolve(value());
        break;
      case '--gzip':
        options.gzip = true;
        break;
      // The company keeps its Japanese calendar (campaigns, holidays, plan phasing); only the settings the
      // warehouse cuts periods by change, to build the same data in another zone or fiscal year.
      case '--time-zone': {
        const zone = value();
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
        } catch {
          throw new Error(`--time-zone must be an IANA time zone such as America/New_York\n${USAGE}`);
        }
        options.settings.timezone = zone;
        break;
      }
      case '--fiscal-year-start': {
        const month = integer(value(), 1);
        if (month > 12) throw new Error(`--fiscal-year-start must be a month 1-12\n${USAGE}`);
        options.settings.fiscal_year_start_month = String(month);
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}

const id = (prefix: string, width: number, n: number) => `${prefix}${String(n).padStart(width, '0')}`;
const leadId = (index: number) => id('L', 7, index + 1);

interface PathStats {
  leads: number;
  won: number;
  success: number;
  fast: number;
  detour: number;
  reached: number[];
}

function classifyPath(life: Lifecycle, stats: PathStats): void {
  let furthest = -1;
  let skipped = false;
  let recycled = false;
  let detour = false;
  for (const tr of life.transitions) {
    if (tr.to === RECYCLED) recycled = true;
    if (tr.to > WON) continue;
    if (recycled) detour = true;
    if (tr.to > furthest + 1) skipped = true;
    if (tr.to > furthest) furthest = tr.to;
  }
  stats.leads++;
  if (furthest === WON) stats.won++;
  if (!skipped && !recycled && life.transitions[0]?.to === LEAD) stats.success++;
  if (skipped) stats.fast++;
  if (detour) stats.detour++;
  for (let s = 0; s <= furthest; s++) stats.reached[s]!++;
}

interface Arrival {
  at: number;
  channel: number;
  campaign: number;
}

function byArrival(a: Arrival, b: Arrival): number {
  return a.at - b.at;
}

function arrivalProfile(channel: number): DayProfile {
  if (channel === CH.trade_show) return 'booth';
  if (channel === CH.inside_sales) return 'calls';
  if (channel === CH.direct || channel === CH.referral) return 'office';
  return 'web';
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  await mkdir(options.out, { recursive: true });
  const fmt = new TimeFormatter();
  const calendar = new CampaignCalendar(options.seed);
  const arrivals = new ArrivalPlan(options.leads, options.seed, calendar);
  const book = new AccountBook(options.seed, options.leads, Math.round(options.leads * INSTALLED_BASE_PER_LEAD));
  const simulator = new LifecycleSimulator(book);
  const toucher = new TouchGenerator(calendar);
  const achieved = new Achievements();
  const buyingGroups = new BuyingGroups();

  const writers = {} as Record<Table, CsvWriter>;
  for (const { name: table } of TABLES) {
    const file = path.join(options.out, `${table}.csv${options.gzip ? '.gz' : ''}`);
    writers[table] = new CsvWriter(file, COLUMNS[table], options.gzip);
  }
  const time = (t: number) => fmt.timestamp(t);
  const campaignId = (index: number) => (index < 0 ? '' : calendar.get(index).id);

  for (const s of STAGE_ROWS) {
    writers.stages.row([s.stage, s.order, s.labelJa, s.labelEn, s.team, s.slaDays ?? '', s.isFunnel ? 'true' : 'false']);
  }
  for (const c of CHANNEL_ROWS) writers.channels.row([c.channel, c.labelJa, c.labelEn, c.isPaid ? 'true' : 'false']);
  for (const t of TOUCH_TYPES) writers.touch_types.row([t, ...TOUCH_TYPE_LABELS[t]]);
  for (const [key, value] of settingRows(options.settings)) writers.settings.row([key, value]);
  for (const c of calendar.published) {
    writers.campaigns.row([c.id, c.name, CHANNELS[c.channel]!, time(c.start), c.end <= AS_OF ? time(c.end) : '', journeyStep(c)]);
  }
  for (const r of channelCosts(arrivals, calendar, options.leads, options.seed)) {
    writers.channel_costs.row([fmt.monthStart(r.month), CHANNELS[r.channel]!, campaignId(r.campaign), r.cost]);
  }
  for (const r of teamCosts(arrivals, options.seed)) {
    writers.team_costs.row([fmt.monthStart(r.month), r.team, r.costType, r.cost]);
  }

  const stats: PathStats = { leads: 0, won: 0, success: 0, fast: 0, detour: 0, reached: [0, 0, 0, 0, 0, 0] };
  let touchpoints = 0;
  let transitions = 0;
  let opportunities = 0;
  let newOpportunitiesWithoutTouches = 0;
  let newOpportunities = 0;
  let nextLead = 0;
  const leadRng = new Random(0);

  for (let day = FIRST_DAY; day <= AS_OF_DAY; day++) {
    const rng = Random.stream(options.seed, 'day', day);
    const arriving: Arrival[] = [];
    for (const group of arrivals.byDay[day - FIRST_DAY]!) {
      for (let k = 0; k < group.count; k++) {
        let at = placeInDay(day, arrivalProfile(group.channel), rng);
        let campaign = group.campaign;
        if (campaign >= 0) {
          const c = calendar.get(campaign);
          if (c.registrationDays > 0 && at >= c.eventStart - 10 * MINUTE) {
            const opens = dayStart(day) + 7 * HOUR;
            at = opens + Math.floor(rng.next() * Math.max(MINUTE, c.eventStart - 10 * MINUTE - opens));
          }
          at = Math.max(at, c.start);
        } else if (group.channel === CH.email) {
          campaign = calendar.pickEmail(day, rng);
        } else {
          campaign = calendar.pickActive(group.channel, day, rng);
        }
        arriving.push({ at: Math.min(at, AS_OF), channel: group.channel, campaign });
      }
    }
    arriving.sort(byArrival);

    for (const arrival of arriving) {
      const index = nextLead++;
      const rng = leadRng.reseed(options.seed, LEAD_STREAM, index);
      const account = book.assign(arrival.at, arrival.channel);
      const persona = rng.weighted(PERSONA_BY_BAND[account.band]!);
      const email = book.email(account, rng);
      book.addContact(account, index, arrival.at);
      buyingGroups.add(account.index, persona, arrival.at);
      const lead: LeadDraft = {
        index,
        createdAt: arrival.at,
        channel: arrival.channel,
        campaign: arrival.campaign,
        persona,
        account,
        kind: 'form',
        winFactor: (at) => buyingGroups.winFactor(account.index, at),
      };
      const life = simulator.simulate(lead, rng);
      const touches = toucher.generate(lead, life, rng);
      const lid = leadId(index);
      const team = TEAMS[account.team]!;

      const aid = accountId(account.index);
      writers.leads.line(`${lid},${email},${aid},${time(lead.createdAt)},${CHANNELS[lead.channel]},${PERSONAS[persona]},${team}`);
      achieved.add('leads', monthIndex(Math.floor((lead.createdAt + 9 * HOUR) / DAY)), 1);
      for (const tr of life.transitions) {
        const from = tr.from < 0 ? '' : STAGES[tr.from];
        writers.stage_transitions.line(
          `${id('ST', 8, ++transitions)},${lid},${from},${STAGES[tr.to]},${time(tr.at)},${tr.reason},${transitionTeam(tr.from, tr.to)}`,
        );
      }
      const opp = life.opportunity;
      if (opp) {
        const closed = Number.isNaN(opp.closedAt) ? '' : time(opp.closedAt);
        writers.opportunities.line(
          `${id('OP', 7, ++opportunities)},${aid},${lid},${time(opp.createdAt)},${closed},${opp.status},${opp.amount},new,${opp.lostReason},${team}`,
        );
        newOpportunities++;
        if (account.untracked) newOpportunitiesWithoutTouches++;
        achieved.add('opportunities', monthIndex(Math.floor((opp.createdAt + 9 * HOUR) / DAY)), 1);
        if (opp.status === 'won') {
          const m = monthIndex(Math.floor((opp.closedAt + 9 * HOUR) / DAY));
          achieved.add('wins', m, 1);
          achieved.add('revenue', m, opp.amount);
          achieved.add('new_revenue', m, opp.amount);
        }
      }
      for (const touch of touches) {
        writers.touchpoints.line(
          `${id('TP', 9, ++touchpoints)},${lid},${time(touch.at)},${CHANNELS[touch.channel]},${campaignId(touch.campaign)},${TOUCH_TYPES[touch.type]}`,
        );
      }
      classifyPath(life, stats);
    }
    await Promise.all(Object.values(writers).map((w) => w.drain()));
    await yieldToIo();
  }

  let expansions = 0;
  for (const e of expansionOpportunities(book, options.seed)) {
    writers.opportunities.row([
      id('OP', 7, ++opportunities),
      accountId(e.account.index),
      leadId(e.leadIndex),
      time(e.createdAt),
      Number.isNaN(e.closedAt) ? '' : time(e.closedAt),
      e.status,
      e.amount,
      e.dealType,
      e.lostReason,
      TEAMS[e.account.team]!,
    ]);
    achieved.add('opportunities', monthIndex(Math.floor((e.createdAt + 9 * HOUR) / DAY)), 1);
    if (e.status === 'won') {
      const m = monthIndex(Math.floor((e.closedAt + 9 * HOUR) / DAY));
      achieved.add('wins', m, 1);
      achieved.add('revenue', m, e.amount);
    }
    if (++expansions % 10_000 === 0) await writers.opportunities.drain();
  }

  let churned = 0;
  for (const acc of book.accounts) {
    const churnedAt = book.churnedAt(acc);
    if (churnedAt !== null) churned++;
    writers.accounts.row([
      accountId(acc.index),
      acc.name,
      INDUSTRIES[acc.industry]!,
      BANDS[acc.band]!,
      REGIONS[acc.region]!,
      time(acc.createdAt),
      churnedAt === null ? '' : time(churnedAt),
    ]);
    if (acc.index % 10_000 === 0) await writers.accounts.drain();
  }

  for (const t of targets(achieved, arrivals, options.seed)) {
    writers.targets.row([fmt.monthStart(t.month), t.metric, t.target]);
  }

  await Promise.all(Object.values(writers).map((w) => w.close()));

  const pct = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)} %`);
  const lines = [
    `wrote ${options.out} (${options.leads} leads, seed ${options.seed}${options.gzip ? ', gzip' : ''}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    ...TABLES.map(({ name: t }) => `  ${t.padEnd(18)} ${String(writers[t].rows).padStart(10)} rows`),
    `lead→won ${pct(stats.won, stats.leads)}; paths: success ${pct(stats.success, stats.leads)}, fast ${pct(stats.fast, stats.leads)}, detour ${pct(stats.detour, stats.leads)}`,
    `reached: ${STAGES.slice(0, OPPORTUNITY + 2)
      .map((s, i) => `${s} ${stats.reached[i]}`)
      .join(', ')}`,
    `touchpoints per lead ${(touchpoints / Math.max(1, stats.leads)).toFixed(1)}; new opportunities on accounts without touchpoints ${pct(newOpportunitiesWithoutTouches, newOpportunities)}`,
    `accounts ${book.accounts.length} (churned ${churned}); expansion opportunities ${expansions}`,
    `targets: ${TARGET_METRICS.join(', ')} by month`,
  ];
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
