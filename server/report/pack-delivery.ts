/*
 * A `pack` schedule's run (docs/schedules.md): one delivery to the
 * schedule's target with the meeting pack's PDF attached, a few headline
 * figures as text lines, and the figures as data. How each channel carries
 * it (channels.ts):
 *   - mail: the lines as the body, the PDF attached;
 *   - generic webhook: the signed JSON body holds the figures (`data`) and
 *     the PDF base64-encoded in `attachments`;
 *   - Slack and Teams: incoming webhooks take no files, so they get the
 *     lines and the link to the review page, where the same PDF is one
 *     button away (it needs a login there; the link carries no token).
 * The PDF is made when the run is planned and written to the delivery log
 * with the run, so every retry sends the same bytes. The meeting day the
 * actions are judged against is the run's due time.
 */
import type { Action } from '../contract/actions.js';
import { packFileName } from '../contract/meeting-pack.js';
import type { PlannedDelivery } from '../deliver/delivery-log.js';
import type { Schedule } from '../deliver/schedules.js';
import type { ComposeContext } from '../deliver/sla-messages.js';
import {
  formatAttainment,
  formatCount,
  formatDate,
  formatPeriodKey,
  formatSignedYen,
  formatYen,
} from '../../dashboard/src/lib/format.js';
import { LEVERS } from '../../dashboard/src/lib/sum-levers.js';
import { collectPack, type PackData } from './pack-data.js';
import { packLabel, type PackLabel } from './pack-labels.js';
import { renderPackPdf } from './pack-pdf.js';

const text = {
  ja: {
    subject: '【定例会議パック】{period} ({asOf} 時点)',
    revenue: '受注金額 実績 {actual} / {plan} {planValue} (達成率 {attainment})',
    landing: '着地見込み {forecast} (80% 区間 {low} – {high})、通期計画 {planFull}',
    lever: '計画とのギャップで最も大きいレバー: {lever} {effect}',
    breaches: 'SLA 超過中のリード {n} 件',
    actions: '期限が近い・超過したアクション {n} 件 (うち期限超過 {overdue} 件)',
    pdf: 'PDF はメールと Webhook に添付。Slack・Teams には添付できないため、レビュー画面の「会議パック PDF」から取得してください: {url}',
  },
  en: {
    subject: '[Meeting pack] {period} (as of {asOf})',
    revenue: 'Revenue {actual} against {plan} {planValue} ({attainment})',
    landing: 'Landing forecast {forecast} (80 % interval {low} – {high}); full plan {planFull}',
    lever: 'Lever with the largest effect on the gap to plan: {lever} {effect}',
    breaches: '{n} leads past their SLA now',
    actions: '{n} actions due or overdue ({overdue} overdue)',
    pdf: 'The PDF is attached to mail and webhooks. Slack and Teams webhooks take no files: get it from the review page ("Meeting pack PDF"): {url}',
  },
};

const fill = (s: string, v: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(v[k] ?? ''));

/** The lines and data a pack delivery carries beside its PDF. */
export function packSummary(p: PackData, reviewUrl: string) {
  const t = text[p.lang];
  const currency = p.settings.currency;
  const money = (v: number | null) => formatYen(v, p.lang, { currency });
  const revenue = p.kgi.find((k) => k.key === 'revenue');
  const lever = [...LEVERS].sort((a, b) => Math.abs(p.gap.byLever[b]) - Math.abs(p.gap.byLever[a]))[0]!;
  const overdue = p.actions.listed.filter((a) => a.overdue).length;
  const lines = [
    fill(t.revenue, {
      actual: money(revenue?.actual ?? null),
      plan: packLabel(p.lang, p.windows.isPartial ? 'planToDate' : 'plan'),
      planValue: money(revenue?.plan ?? null),
      attainment: formatAttainment(
        revenue?.actual != null && revenue.plan ? revenue.actual / revenue.plan : null,
        p.lang,
        'plan',
      ),
    }),
    ...(p.landing
      ? [
          fill(t.landing, {
            forecast: money(p.landing.forecast),
            low: money(p.landing.low),
            high: money(p.landing.high),
            planFull: money(revenue?.planFull ?? null),
          }),
        ]
      : []),
    ...(p.gap.base !== null
      ? [
          fill(t.lever, {
            lever: packLabel(p.lang, `lever.${lever}` as PackLabel),
            effect: formatSignedYen(p.gap.byLever[lever], p.lang, { currency }),
          }),
        ]
      : []),
    fill(t.breaches, { n: formatCount(p.breaches.total, p.lang) }),
    fill(t.actions, { n: p.actions.total, overdue }),
    fill(t.pdf, { url: reviewUrl }),
  ];
  return {
    subject: fill(t.subject, { period: formatPeriodKey(p.period.key, p.lang), asOf: formatDate(p.settings.asOf, p.lang) }),
    lines,
    data: {
      kind: 'pack',
      period: p.period.key,
      lang: p.lang,
      asOf: p.settings.asOf,
      through: p.windows.through,
      isPartial: p.windows.isPartial,
      revenue: revenue ? { actual: revenue.actual, plan: revenue.plan, planFull: revenue.planFull } : null,
      landing: p.landing,
      gapByLever: p.gap.byLever,
      slaBreaches: p.breaches.total,
      actionsDue: p.actions.total,
      actionsOverdue: overdue,
      reviewUrl,
    },
  };
}

export async function planPack(
  ctx: ComposeContext,
  schedule: Schedule,
  run: string,
  opts: { actions: Action[]; dueAt: Date },
): Promise<PlannedDelivery[]> {
  const pack = await collectPack(ctx.load, {
    period: schedule.period ?? 'year',
    lang: schedule.language,
    actions: opts.actions,
    now: opts.dueAt,
  });
  const pdf = await renderPackPdf(pack);
  const reviewUrl = `${ctx.publicUrl}/review?${new URLSearchParams({ period: pack.period.key, lang: pack.lang }).toString()}`;
  const summary = packSummary(pack, reviewUrl);
  return [
    {
      key: `${run}#pack`,
      target: schedule.target,
      message: {
        ...summary,
        attachments: [
          {
            filename: packFileName(pack.period.key, pack.lang),
            contentType: 'application/pdf',
            contentBase64: pdf.toString('base64'),
          },
        ],
      },
    },
  ];
}
