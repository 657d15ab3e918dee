/*
 * The generic source: CSV (or .csv.gz) files in any columns, read through a
 * mapping file's `tables:` section (which file is which table, source column
 * → canonical column, per-stage date columns), with its value maps, time
 * zone, date format and encoding. Without a `columns` entry a canonical
 * column is read from a source column of the same name, so the canonical
 * tables themselves import with a one-line mapping.
 *
 * A lead row may carry its current stage only (`stage` column, as most MA
 * tools' list exports do): that becomes its entry stage at creation (unless
 * a stage_transitions table gives its history); without one the lead enters
 * `lead` when created. Stage date columns (`stage_dates`) and a
 * stage_transitions table give history.
 */
import path from 'node:path';
import type { MappingFile, TableSpec } from '../mapping.js';
import { globMatch } from '../mapping.js';
import { readTeamCost } from '../team-costs.js';
import { normaliseDomain } from '../text.js';
import {
  addRecordEvent,
  checkDealDates,
  createdAsLead,
  eachRow,
  historyKey,
  type ImportContext,
  type Row,
  type SourceDefaults,
} from './common.js';
import { corporateNumber } from '../text.js';
import { ImportInputError, type SourceAdapter } from './index.js';
import { journeyStepCode } from '../../contract/vocabulary.js';
import { FastReader } from './generic-fast.js';

const TABLE_ORDER = [
  'accounts',
  'campaigns',
  'leads',
  'stage_transitions',
  'opportunities',
  'touchpoints',
  'channel_costs',
  'targets',
  'team_costs',
] as const;
type TableName = (typeof TABLE_ORDER)[number];

/** `2024-04`, `2024/4/1`, `2024年4月` → `2024-04-01`. */
function firstOfMonth(raw: string): string | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})/.exec(raw.normalize('NFKC').trim());
  if (!m || +m[2]! < 1 || +m[2]! > 12) return undefined;
  return `${m[1]}-${m[2]!.padStart(2, '0')}-01`;
}

function readers(ctx: ImportContext, spec: TableSpec) {
  const c = (canonical: string) => spec.columns[canonical] ?? canonical;
  /** A lead reference: its id, else its email (`email:` refs resolve through the leads' emails). */
  const personRef = (r: Row): string | undefined => {
    const id = r.key(c('lead_id'));
    if (id) return id;
    const raw = r.get(c('email'));
    if (raw === '') {
      r.reject(c('lead_id'), '', 'missing lead_id or email (the lead reference)');
      return undefined;
    }
    const email = r.email(c('email'));
    return email && `email:${email}`;
  };
  const tables: Record<TableName, (r: Row) => void> = {
    leads: (r) => {
      const email = r.email(c('email'));
      const personKey = r.key(c('lead_id')) ?? (email && `${ctx.source}:${email}`);
      const createdAt = r.time(c('created_at'), { required: true });
      const stageDates = Object.entries(spec.stage_dates).map(([stage, column]) => [stage, column, r.time(column)] as const);
      const current = r.get(c('stage')) !== '' ? r.mapped('stages', c('stage'), { required: true }) : undefined;
      if (r.rejected || !personKey) return;
      r.add('people', {
        person_key: personKey,
        email,
        account_key: r.key(c('account_id')),
        company_name: r.get(c('company_name')),
        created_at: createdAt,
        updated_at: r.time(c('updated_at')),
        lead_source: r.mapped('channels', c('lead_source')),
        persona: r.get(c('persona')),
        owner_team: r.ownerTeam(c('owner_team')),
      });
      for (const [stage, , at] of stageDates) {
        if (at) addRecordEvent(ctx, r, personKey, { name: stage, stage, at });
      }
      if (current) {
        addRecordEvent(ctx, r, personKey, { name: 'initial', stage: current, at: createdAt, initial: true });
      } else {
        // A list export without a stage column: the lead entered the funnel when it was created.
        createdAsLead(ctx, r, personKey, createdAt);
      }
    },
    stage_transitions: (r) => {
      const person = personRef(r);
      const to = r.mapped('stages', c('to_stage'), { required: true });
      const from = r.get(c('from_stage')) === '' ? undefined : r.mapped('stages', c('from_stage'), { required: true });
      const at = r.time(c('transitioned_at'), { required: true });
      if (r.rejected || !person || !to || !at) return;
      const key = r.key(c('transition_id')) ?? historyKey(person, at, r.get(c('from_stage')), r.get(c('to_stage')));
      r.add('events', {
        event_key: key,
        person_key: person,
        from_stage: from,
        to_stage: to,
        entered_at: at,
        reason: r.get(c('reason')),
      });
    },
    touchpoints: (r) => {
      const person = personRef(r);
      const at = r.time(c('occurred_at'), { required: true });
      const channel = r.mapped('channels', c('channel'), { required: true });
      const campaign = r.key(c('campaign_id'));
      const touchType = r.mapped('touch_types', c('touch_type'));
      if (r.rejected || !person || !channel) return;
      const key = r.key(c('touchpoint_id')) ?? `${person}:${at}:${channel}:${campaign ?? ''}`;
      r.add('touches', {
        touch_key: key,
        person_key: person,
        occurred_at: at,
        channel,
        campaign_key: campaign,
        touch_type: touchType,
      });
    },
    opportunities: (r) => {
      const dealKey = r.key(c('opportunity_id'), { required: true });
      const hasPerson = r.get(c('lead_id')) !== '' || r.get(c('email')) !== '';
      const person = hasPerson ? personRef(r) : undefined;
      const createdAt = r.time(c('created_at'), { required: true });
      const closedAt = r.time(c('closed_at'));
      const status = r.mapped('deal_status', c('status'), { required: true });
      const amount = r.amount(c('amount'));
      const currency = r.currency(c('currency'));
      const dealType = r.mapped('deal_types', c('deal_type'));
      checkDealDates(r, c('closed_at'), status, createdAt, closedAt);
      if (r.rejected || !dealKey) return;
      r.add('deals', {
        deal_key: dealKey,
        account_key: r.key(c('account_id')),
        created_at: createdAt,
        closed_at: closedAt,
        status,
        amount,
        deal_type: dealType,
        lost_reason: r.get(c('lost_reason')),
        owner_team: r.ownerTeam(c('owner_team')) || null,
        updated_at: r.time(c('updated_at')),
        currency,
      });
      if (person) r.add('deal_contacts', { deal_key: dealKey, person_key: person });
    },
    accounts: (r) => {
      const key = r.key(c('account_id'), { required: true });
      const createdAt = r.time(c('created_at'));
      const churnedAt = r.time(c('churned_at'));
      if (r.rejected) return;
      r.add('accounts', {
        account_key: key,
        account_name: r.get(c('account_name')),
        domain: normaliseDomain(r.get(c('domain'), c('website'))),
        industry: r.get(c('industry')),
        employee_band: r.get(c('employee_band')),
        region: r.get(c('region')),
        created_at: createdAt,
        churned_at: churnedAt,
        updated_at: r.time(c('updated_at')),
        owner_team: r.ownerTeam(c('owner_team')) || null,
        same_as: r.get(c('same_as')) || null, // "<source>:<id>" of the same company in another source
        corporate_number: corporateNumber(r.get(c('corporate_number'))),
      });
    },
    campaigns: (r) => {
      const key = r.key(c('campaign_id'), { required: true });
      const channel = r.mapped('channels', c('channel'));
      const started = r.time(c('started_at'));
      const ended = r.time(c('ended_at'));
      if (started && ended && ended < started) r.reject(c('ended_at'), r.get(c('ended_at')), 'campaign ends before it starts');
      if (r.rejected) return;
      r.add('campaigns', {
        campaign_key: key,
        campaign_name: r.get(c('campaign_name')),
        channel,
        started_at: started,
        ended_at: ended,
        buyer_journey_step: journeyStepCode(r.get(c('buyer_journey_step'))),
      });
    },
    channel_costs: (r) => {
      const month = firstOfMonth(r.required(c('month')));
      if (!month && !r.rejected) r.reject(c('month'), r.get(c('month')), 'unreadable month');
      const channel = r.mapped('channels', c('channel'), { required: true });
      const cost = r.amount(c('cost'));
      if (cost === undefined && !r.rejected) r.reject(c('cost'), '', 'missing cost');
      if (r.rejected) return;
      r.add('costs', { month, channel, campaign_key: r.key(c('campaign_id')), cost });
    },
    targets: (r) => {
      const month = firstOfMonth(r.required(c('fiscal_month')));
      if (!month && !r.rejected) r.reject(c('fiscal_month'), r.get(c('fiscal_month')), 'unreadable month');
      const metric = r.required(c('metric'));
      const target = r.amount(c('target'));
      if (target === undefined && !r.rejected) r.reject(c('target'), '', 'missing target');
      if (r.rejected) return;
      r.add('targets', { fiscal_month: month, metric, target });
    },
    team_costs: (r) => readTeamCost(ctx, c, firstOfMonth, r),
  };
  return tables;
}

export const genericDefaults: SourceDefaults = {};

export const generic: SourceAdapter = {
  name: 'generic',
  defaults: genericDefaults,
  async read(files, ctx) {
    const mapping: MappingFile | undefined = ctx.mapping;
    const specs = Object.entries(mapping?.tables ?? {}) as [TableName, TableSpec][];
    if (!specs.length)
      throw new ImportInputError(
        'the generic source needs a mapping file (--mapping file.yml) with a tables: section saying which file is which table',
      );
    const byTable = new Map<TableName, string[]>();
    for (const file of files) {
      const hit = specs.find(([, spec]) => globMatch(spec.file, path.basename(file)));
      if (!hit)
        throw new ImportInputError(
          `${ctx.display(file)}: no table of the mapping matches this file name (patterns: ${specs.map(([t, s]) => `${t}: ${s.file}`).join(', ')})`,
        );
      byTable.set(hit[0], [...(byTable.get(hit[0]) ?? []), file]);
    }
    // Leads and touchpoints through DuckDB where it can read them as the csv path would (generic-fast.ts).
    const fast = new FastReader(ctx);
    for (const table of TABLE_ORDER) {
      const spec = mapping!.tables[table];
      if (!spec) continue;
      const read = readers(ctx, spec)[table];
      for (const file of byTable.get(table) ?? [])
        if (!(await fast.read(file, table, spec, read))) await eachRow(ctx, file, table, read, { headerLine: spec.header_line });
    }
  },
};
