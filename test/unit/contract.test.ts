/*
 * The shared contract's schemas (server/contract/): the plan request body
 * POST /api/plan and the dashboard share, and the action log's bodies.
 * Errors name the field as a path; values are checked by the same rule in
 * the request (every field optional) as in the engine's complete input.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTION_MODELS,
  parseActionInput,
  planInputSchema,
  planRequestSchema,
  validateWith,
} from '../../server/contract/index.js';

const known = { knownChannels: ['seo', 'webinar'] };
const errors = (raw: unknown) => {
  const v = validateWith(planRequestSchema(known), raw);
  return v.ok ? [] : v.errors;
};

describe('planRequestSchema', () => {
  it('accepts an empty body and a partial override of the links', () => {
    expect(errors({})).toEqual([]);
    const v = validateWith(planRequestSchema(known), { conversionRates: { 'mql->sal': 0.4 }, channelMix: { seo: 1 } });
    expect(v).toEqual({ ok: true, value: { conversionRates: { 'mql->sal': 0.4 }, channelMix: { seo: 1 } } });
  });

  it('names each bad field with the rule the engine applies too', () => {
    const body = {
      fiscalMonths: [
        { month: '2026-04-01', revenueTarget: 1 },
        { month: '2026-04-01', revenueTarget: -1 },
      ],
      conversionRates: { 'lead->mql': 1.5, 'sql->won': 0.5 },
      channelCpl: { podcast: 100 },
      attributionModel: 'last_click',
      colour: 'blue',
    };
    expect(errors(body)).toEqual([
      { field: 'fiscalMonths[1].revenueTarget', message: 'must be a finite number ≥ 0' },
      { field: 'fiscalMonths[1].month', message: 'duplicate month 2026-04-01' },
      { field: 'conversionRates.lead->mql', message: 'rate must be in (0, 1]' },
      {
        field: 'conversionRates.sql->won',
        message: 'unknown stage key (expected one of lead->mql, mql->sal, sal->sql, sql->opportunity, opportunity->won)',
      },
      { field: 'channelCpl.podcast', message: 'unknown channel' },
      { field: 'attributionModel', message: `must be one of ${ATTRIBUTION_MODELS.join(', ')}` },
      { field: 'colour', message: 'unknown field' },
    ]);
    // the rate rule is the engine's
    const engine = validateWith(planInputSchema(known), { conversionRates: { 'lead->mql': 1.5 } });
    expect(engine.ok ? [] : engine.errors.find((e) => e.field === 'conversionRates.lead->mql')).toEqual({
      field: 'conversionRates.lead->mql',
      message: 'rate must be in (0, 1]',
    });
  });

  it('says missing for a link the engine needs and the body lacks', () => {
    const v = validateWith(planInputSchema(), { velocityDays: { 'lead->mql': 1 } });
    expect(v.ok ? [] : v.errors.filter((e) => e.field.startsWith('velocityDays'))).toEqual([
      { field: 'velocityDays.mql->sal', message: 'missing' },
      { field: 'velocityDays.sal->sql', message: 'missing' },
      { field: 'velocityDays.sql->opportunity', message: 'missing' },
      { field: 'velocityDays.opportunity->won', message: 'missing' },
    ]);
  });
});

describe('action log bodies', () => {
  it('trims text, turns an empty optional text into null and defaults nothing', () => {
    expect(parseActionInput({ hypothesis: ' h ', action: 'a', owner: 'o', result: '' }, 'create')).toEqual({
      ok: true,
      value: { hypothesis: 'h', action: 'a', owner: 'o', result: null },
    });
  });

  it('names the first offending field', () => {
    expect(parseActionInput({ action: 'a', owner: 'o' }, 'create')).toEqual({
      ok: false,
      field: 'hypothesis',
      message: 'hypothesis is required',
    });
    expect(parseActionInput({ dueDate: '2026-02-30' }, 'patch')).toMatchObject({ ok: false, field: 'dueDate' });
    expect(parseActionInput({ id: 'x' }, 'patch')).toEqual({
      ok: false,
      field: 'id',
      message: 'unknown or read-only field "id"',
    });
    expect(parseActionInput({}, 'patch')).toEqual({ ok: false, field: 'body', message: 'nothing to change' });
    expect(parseActionInput([], 'create')).toEqual({ ok: false, field: 'body', message: 'expected a JSON object' });
  });
});
