/*
 * The meeting pack as a PDF of three A4 pages (pdfkit, vector only):
 *   1. KGI against the plan to date, and the landing forecast with bars;
 *   2. the funnel by team, the backlog by team, the top SLA breaches;
 *   3. the gap against plan by lever (signed bars) with the biggest movers,
 *      and the actions due or overdue with their KPI before and after.
 * Text is set in Noto Sans JP (the npm package @expo-google-fonts/noto-sans-jp,
 * resolved from node_modules; pdfkit embeds the subset used). Figures are
 * formatted by the dashboard's formatters (dashboard/src/lib/format.ts), so
 * the PDF prints what the review page prints. Every table has fixed column
 * widths inside the page and a bounded number of rows; a cell's text that
 * does not fit is cut with an ellipsis, never drawn past its column.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { PackLanguage } from '../contract/meeting-pack.js';
import {
  formatAttainment,
  formatByUnit,
  formatCount,
  formatDate,
  formatDays,
  formatMonth,
  formatNumber,
  formatPercent,
  formatPeriodKey,
  formatSignedPercent,
  formatSignedYen,
  formatYen,
  type Unit,
} from '../../dashboard/src/lib/format.js';
import { LEVERS } from '../../dashboard/src/lib/sum-levers.js';
import { DUE_SOON_DAYS, type PackData } from './pack-data.js';
import { packLabel, type PackLabel } from './pack-labels.js';

const require = createRequire(import.meta.url);
const FONT_REGULAR = require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf');
const FONT_BOLD = require.resolve('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf');

const MARGIN = 36;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const ROW_H = 14;

const INK = '#1f2937';
const MUTED = '#6b7280';
const RULE = '#d1d5db';
const HEAD_BG = '#eef2f7';
const STRIPE = '#f8fafc';
const BLUE = '#2563eb';
const SLATE = '#94a3b8';
const GREEN = '#047857';
const RED = '#be123c';
const AMBER = '#b45309';

type Doc = PDFKit.PDFDocument;

export interface Column {
  head: string;
  /** Share of the content width. */
  width: number;
  align?: 'left' | 'right';
}
export interface Cell {
  text: string;
  color?: string;
  bold?: boolean;
}

/** The text cut with an ellipsis to fit `width` in the current font. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${text.slice(0, mid)}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

function line(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  width: number,
  opts: { size?: number; bold?: boolean; color?: string; align?: 'left' | 'right' } = {},
) {
  doc
    .font(opts.bold ? 'B' : 'R')
    .fontSize(opts.size ?? 8)
    .fillColor(opts.color ?? INK);
  doc.text(fit(doc, text, width), x, y, { width, align: opts.align ?? 'left', lineBreak: false });
}

/** A paragraph that wraps within the content width; returns the y below it. */
function para(doc: Doc, text: string, y: number, opts: { size?: number; color?: string; bold?: boolean } = {}): number {
  doc
    .font(opts.bold ? 'B' : 'R')
    .fontSize(opts.size ?? 8)
    .fillColor(opts.color ?? INK);
  doc.text(text, MARGIN, y, { width: CONTENT_W });
  return doc.y + 2;
}

function section(doc: Doc, text: string, y: number): number {
  line(doc, text, MARGIN, y, CONTENT_W, { size: 11.5, bold: true });
  doc
    .moveTo(MARGIN, y + 17)
    .lineTo(MARGIN + CONTENT_W, y + 17)
    .lineWidth(0.7)
    .strokeColor(BLUE)
    .stroke();
  return y + 22;
}

/** A table with fixed columns; returns the y below it. */
export function table(doc: Doc, columns: Column[], rows: Cell[][], y: number): number {
  const widths = columns.map((c) => c.width * CONTENT_W);
  const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
  doc.rect(MARGIN, y, CONTENT_W, ROW_H + 2).fill(HEAD_BG);
  columns.forEach((c, i) =>
    line(doc, c.head, xs[i]! + 3, y + 3.5, widths[i]! - 6, { size: 7.5, bold: true, color: MUTED, align: c.align }),
  );
  let top = y + ROW_H + 2;
  rows.forEach((row, r) => {
    if (r % 2 === 1) doc.rect(MARGIN, top, CONTENT_W, ROW_H).fill(STRIPE);
    row.forEach((cell, i) =>
      line(doc, cell.text, xs[i]! + 3, top + 3, widths[i]! - 6, {
        size: 8,
        bold: cell.bold,
        color: cell.color,
        align: columns[i]!.align,
      }),
    );
    top += ROW_H;
  });
  doc
    .moveTo(MARGIN, top)
    .lineTo(MARGIN + CONTENT_W, top)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
  return top + 6;
}

interface Bar {
  label: string;
  value: number;
  color: string;
  /** An interval drawn as a whisker over the bar. */
  low?: number | null;
  high?: number | null;
}

/** Horizontal bars from zero (signed values draw left of a centre axis); returns the y below. */
function bars(doc: Doc, items: Bar[], y: number, format: (v: number) => string, signed = false): number {
  const labelW = 120;
  const valueW = 90;
  const area = CONTENT_W - labelW - valueW;
  const max = Math.max(1, ...items.map((b) => Math.abs(b.high ?? b.value)), ...items.map((b) => Math.abs(b.value)));
  const zeroX = MARGIN + labelW + (signed ? area / 2 : 0);
  const scale = (signed ? area / 2 : area) / max;
  const h = 11;
  items.forEach((b, i) => {
    const top = y + i * (h + 5);
    line(doc, b.label, MARGIN, top + 1.5, labelW - 6, { size: 8 });
    const w = Math.abs(b.value) * scale;
    doc.rect(b.value < 0 ? zeroX - w : zeroX, top, Math.max(0.5, w), h).fill(b.color);
    if (b.low != null && b.high != null) {
      const lx = zeroX + b.low * scale;
      const hx = zeroX + b.high * scale;
      doc.lineWidth(1).strokeColor(INK);
      doc
        .moveTo(lx, top + h / 2)
        .lineTo(hx, top + h / 2)
        .stroke();
      doc
        .moveTo(lx, top + 1)
        .lineTo(lx, top + h - 1)
        .stroke();
      doc
        .moveTo(hx, top + 1)
        .lineTo(hx, top + h - 1)
        .stroke();
    }
    line(doc, format(b.value), MARGIN + labelW + area + 4, top + 1.5, valueW - 4, { size: 8, bold: true, align: 'right' });
  });
  if (signed) {
    const bottom = y + items.length * (h + 5) - 4;
    doc
      .moveTo(zeroX, y - 2)
      .lineTo(zeroX, bottom)
      .lineWidth(0.6)
      .strokeColor(MUTED)
      .stroke();
  }
  return y + items.length * (h + 5) + 4;
}

/** Change as the review page's comparison table writes it: ratios in points, the rest in percent. */
function change(actual: number | null, base: number | null, unit: Unit, lang: PackLanguage): Cell {
  if (actual === null || base === null) return { text: '–' };
  if (unit === 'ratio') {
    const d = (actual - base) * 100;
    return {
      text: `${d > 0 ? '▲ +' : d < 0 ? '▼ −' : '±'}${Math.abs(d).toFixed(1)}pt`,
      color: d > 0 ? GREEN : d < 0 ? RED : MUTED,
    };
  }
  if (base === 0) return { text: '–' };
  const d = actual - base;
  return {
    text: `${d > 0 ? '▲ ' : d < 0 ? '▼ ' : ''}${formatSignedPercent(actual / base - 1, lang)}`,
    color: d > 0 ? GREEN : d < 0 ? RED : MUTED,
  };
}

/** Monthly columns of revenue won against a target line (the board's revenue chart); returns the y below. */
function monthChart(doc: Doc, p: PackData, y: number, L: (k: PackLabel) => string): number {
  const { lang } = p;
  const h = 150;
  const axisW = 56;
  const x0 = MARGIN + axisW;
  const w = CONTENT_W - axisW;
  const max = Math.max(1, ...p.months.flatMap((m) => [m.actual ?? 0, m.target ?? 0]));
  const slot = w / Math.max(1, p.months.length);
  const yOf = (v: number) => y + h - (v / max) * h;
  doc.lineWidth(0.4).strokeColor(RULE);
  for (const f of [0, 0.5, 1]) {
    doc
      .moveTo(x0, yOf(max * f))
      .lineTo(x0 + w, yOf(max * f))
      .stroke();
    line(doc, formatYen(max * f, lang, { currency: p.settings.currency }), MARGIN, yOf(max * f) - 4, axisW - 6, {
      size: 6.5,
      color: MUTED,
      align: 'right',
    });
  }
  p.months.forEach((m, i) => {
    const cx = x0 + slot * i;
    if (m.actual !== null) doc.rect(cx + slot * 0.2, yOf(m.actual), slot * 0.6, Math.max(0.5, (m.actual / max) * h)).fill(BLUE);
    line(doc, formatMonth(m.month, lang, true), cx, y + h + 3, slot, { size: 6.5, color: MUTED, align: 'left' });
  });
  const points = p.months.map((m, i) => (m.target === null ? null : ([x0 + slot * (i + 0.5), yOf(m.target)] as const)));
  doc.lineWidth(1.2).strokeColor(INK);
  let open = false;
  for (const pt of points) {
    if (!pt) {
      open = false;
      continue;
    }
    if (open) doc.lineTo(pt[0], pt[1]);
    else doc.moveTo(pt[0], pt[1]);
    open = true;
  }
  doc.stroke();
  for (const pt of points) if (pt) doc.circle(pt[0], pt[1], 1.6).fill(INK);
  const legendY = y + h + 14;
  doc.rect(x0, legendY + 1, 8, 6).fill(BLUE);
  line(doc, L('chartActual'), x0 + 11, legendY, 120, { size: 7, color: MUTED });
  doc
    .moveTo(x0 + 130, legendY + 4)
    .lineTo(x0 + 142, legendY + 4)
    .lineWidth(1.2)
    .strokeColor(INK)
    .stroke();
  line(doc, L('chartTarget'), x0 + 145, legendY, 120, { size: 7, color: MUTED });
  return legendY + 14;
}

function pageOne(doc: Doc, p: PackData, L: (k: PackLabel, v?: Record<string, string | number>) => string) {
  const { lang } = p;
  const money = (v: number | null) => formatYen(v, lang, { currency: p.settings.currency });
  const w = p.windows;
  line(doc, L('title'), MARGIN, MARGIN, CONTENT_W, { size: 18, bold: true });
  line(doc, formatPeriodKey(p.period.key, lang), MARGIN, MARGIN + 26, CONTENT_W, { size: 13, bold: true, color: BLUE });
  let y = para(
    doc,
    L(w.isPartial ? 'asOf' : 'closed', {
      asOf: formatDate(p.settings.asOf, lang),
      through: formatDate(w.through, lang),
      today: formatDate(p.today, lang),
    }),
    MARGIN + 46,
    { color: MUTED },
  );
  y = section(doc, L(w.isPartial ? 'kgiTitle' : 'kgiTitleClosed'), y + 8);
  const cols: Column[] = [
    { head: L('kpi'), width: 0.21 },
    { head: L('actual'), width: 0.1, align: 'right' },
    { head: L(w.isPartial ? 'planToDate' : 'plan'), width: 0.1, align: 'right' },
    // a change column holds an arrow and up to "+100.0 %": wider than the figures beside it
    { head: L('vsPlan'), width: 0.1, align: 'right' },
    { head: L('previous'), width: 0.085, align: 'right' },
    { head: L('vsPrevious'), width: 0.11, align: 'right' },
    { head: L('yearAgo'), width: 0.085, align: 'right' },
    { head: L('vsYearAgo'), width: 0.11, align: 'right' },
    { head: L('fullPlan'), width: 0.1, align: 'right' },
  ];
  const f = (v: number | null, unit: Unit) => formatByUnit(v, unit, lang, p.settings.currency);
  y = table(
    doc,
    cols,
    p.kgi.map((k) => [
      { text: k.label, bold: true },
      { text: f(k.actual, k.unit), bold: true },
      { text: f(k.plan, k.unit) },
      change(k.actual, k.plan, k.unit, lang),
      { text: f(k.previous, k.unit) },
      change(k.actual, k.previous, k.unit, lang),
      { text: f(k.yearAgo, k.unit) },
      change(k.actual, k.yearAgo, k.unit, lang),
      { text: f(k.planFull, k.unit) },
    ]),
    y,
  );
  y = para(doc, L('kgiNote'), y, { size: 7, color: MUTED });

  y = section(doc, L('landingTitle'), y + 10);
  const revenue = p.kgi.find((k) => k.key === 'revenue');
  const planFull = revenue?.planFull ?? null;
  const attainment = (v: number | null) => (v === null || !planFull ? null : v / planFull);
  if (p.landing) {
    const l = p.landing;
    y = para(
      doc,
      L('landingLine', {
        forecast: money(l.forecast),
        low: money(l.low),
        high: money(l.high),
        plan: money(planFull),
        attainment: formatAttainment(attainment(l.forecast), lang, 'plan'),
        gap: planFull === null ? '–' : formatSignedYen(l.forecast - planFull, lang, { currency: p.settings.currency }),
      }),
      y,
      { size: 9, bold: true },
    );
    y = para(doc, L('landingPace', { pace: money(l.pace) }), y, { color: MUTED });
    y = bars(
      doc,
      [
        { label: L('barActual'), value: revenue?.actual ?? 0, color: BLUE },
        { label: L('barPlanToDate'), value: revenue?.plan ?? 0, color: SLATE },
        { label: L('barLanding'), value: l.forecast, color: AMBER, low: l.low, high: l.high },
        ...(l.pace !== null ? [{ label: L('barPace'), value: l.pace, color: '#cbd5e1' }] : []),
        { label: L('barFullPlan'), value: planFull ?? 0, color: '#475569' },
      ],
      y + 6,
      (v) => money(v),
    );
  } else if (!w.isPartial && revenue) {
    y = para(
      doc,
      L('landingClosed', {
        actual: money(revenue.actual),
        plan: money(revenue.plan),
        attainment: formatAttainment(
          revenue.actual !== null && revenue.plan ? revenue.actual / revenue.plan : null,
          lang,
          'plan',
        ),
      }),
      y,
      { size: 9 },
    );
    y = bars(
      doc,
      [
        { label: L('actual'), value: revenue.actual ?? 0, color: BLUE },
        { label: L('plan'), value: revenue.plan ?? 0, color: SLATE },
      ],
      y + 6,
      (v) => money(v),
    );
  } else {
    y = para(doc, L('landingNone'), y, { color: MUTED });
  }
  if (p.months.length) {
    y = section(doc, L('chartTitle', { fy: formatPeriodKey(`FY${p.period.fiscalYear}`, lang) }), y + 8);
    y = monthChart(doc, p, y + 4, L);
  }
  return y;
}

function pageTwo(doc: Doc, p: PackData, L: (k: PackLabel, v?: Record<string, string | number>) => string) {
  const { lang } = p;
  let y = section(doc, L('funnelTitle'), MARGIN);
  const rows: Cell[][] = [];
  for (const team of p.funnel) {
    team.stages.forEach((s, i) => {
      const att = s.actual !== null && s.plan ? s.actual / s.plan : null;
      rows.push([
        { text: i === 0 ? team.team : '', bold: true },
        { text: s.label },
        { text: formatCount(s.actual, lang), bold: true },
        { text: formatCount(s.plan, lang) },
        { text: formatAttainment(att, lang, 'plan'), color: att === null ? MUTED : att < 1 ? AMBER : GREEN },
      ]);
    });
  }
  y = table(
    doc,
    [
      { head: L('team'), width: 0.2 },
      { head: L('stage'), width: 0.32 },
      { head: L('actual'), width: 0.16, align: 'right' },
      { head: L('plan'), width: 0.16, align: 'right' },
      { head: L('attainment'), width: 0.16, align: 'right' },
    ],
    rows,
    y,
  );
  y = para(doc, L('funnelNote'), y, { size: 7, color: MUTED });

  y = section(doc, L('backlogTitle'), y + 10);
  y = table(
    doc,
    [
      { head: L('team'), width: 0.28 },
      { head: L('backlogLeads'), width: 0.18, align: 'right' },
      { head: L('pastSla'), width: 0.18, align: 'right' },
      { head: L('pastSlaShare'), width: 0.18, align: 'right' },
      { head: L('meanAging'), width: 0.18, align: 'right' },
    ],
    p.backlog.map((t) => [
      { text: t.team, bold: true },
      { text: formatCount(t.leads, lang) },
      { text: formatCount(t.stuckLeads, lang), bold: true, color: t.stuckLeads > 0 ? RED : INK },
      { text: formatPercent(t.leads ? t.stuckLeads / t.leads : null, lang) },
      { text: formatDays(t.avgAgingDays, lang) },
    ]),
    y,
  );

  y = section(doc, L('breachesTitle'), y + 10);
  if (!p.breaches.listed.length) return para(doc, L('breachesNone'), y, { color: MUTED });
  y = table(
    doc,
    [
      { head: L('leadId'), width: 0.18 },
      { head: L('stage'), width: 0.24 },
      { head: L('team'), width: 0.18 },
      { head: L('slaDays'), width: 0.1, align: 'right' },
      { head: L('daysOver'), width: 0.14, align: 'right' },
      { head: L('dueOn'), width: 0.16, align: 'right' },
    ],
    p.breaches.listed.map((b) => [
      { text: b.leadId, bold: true },
      { text: b.stageLabel },
      { text: b.team },
      { text: b.slaDays === null ? '–' : L('days', { n: b.slaDays }) },
      { text: formatDays(b.daysOverSla, lang), color: RED, bold: true },
      { text: formatDate(dayInZone(b.breachAt, p.settings.timeZone), lang) },
    ]),
    y,
  );
  return para(doc, L('breachesMore', { shown: p.breaches.listed.length, total: formatCount(p.breaches.total, lang) }), y, {
    size: 7,
    color: MUTED,
  });
}

const dayInZone = (iso: string, zone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

function pageThree(doc: Doc, p: PackData, L: (k: PackLabel, v?: Record<string, string | number>) => string) {
  const { lang } = p;
  const currency = p.settings.currency;
  const signed = (v: number | null) => formatSignedYen(v, lang, { currency });
  let y = section(doc, L('gapTitle'), MARGIN);
  const { base, actual } = p.gap;
  if (base === null || actual === null) {
    y = para(doc, L('gapNone'), y, { color: MUTED });
  } else {
    y = para(
      doc,
      L('gapLine', {
        actual: formatYen(actual, lang, { currency }),
        plan: formatYen(base, lang, { currency }),
        gap: signed(actual - base),
      }),
      y,
      { size: 9, bold: true },
    );
    y = bars(
      doc,
      LEVERS.map((lever) => ({
        label: L(`lever.${lever}` as PackLabel),
        value: p.gap.byLever[lever],
        color: p.gap.byLever[lever] < 0 ? RED : GREEN,
      })),
      y + 6,
      (v) => signed(v),
      true,
    );
    y = section(doc, L('moversTitle'), y + 4);
    y = table(
      doc,
      [
        { head: L('factor'), width: 0.4 },
        { head: L('lever'), width: 0.18 },
        { head: L('effect'), width: 0.24, align: 'right' },
        { head: L('shareOfGap'), width: 0.18, align: 'right' },
      ],
      p.gap.movers.map((m) => [
        { text: m.weakest ? `${m.label} (${L('weakest')})` : m.label, bold: m.weakest, color: m.weakest ? RED : INK },
        { text: m.lever ? L(`lever.${m.lever}` as PackLabel) : '–' },
        { text: signed(m.effect), bold: true, color: m.effect < 0 ? RED : GREEN },
        { text: formatPercent(m.share, lang) },
      ]),
      y,
    );
  }

  y = section(doc, L('actionsTitle'), y + 10);
  const horizon = new Date(Date.parse(`${p.today}T00:00:00Z`) + DUE_SOON_DAYS * 86_400_000).toISOString().slice(0, 10);
  y = para(
    doc,
    L('actionsNote', { horizon: formatDate(horizon, lang), today: formatDate(p.today, lang), days: DUE_SOON_DAYS }),
    y,
    {
      size: 7,
      color: MUTED,
    },
  );
  if (!p.actions.listed.length) return para(doc, L('actionsNone', { horizon: formatDate(horizon, lang) }), y, { color: MUTED });
  const effect = (a: PackData['actions']['listed'][number]): Cell => {
    if (!a.kpiNode) return { text: '–' };
    if (!a.windows) return { text: L(a.startDate ? 'tooEarly' : 'noStart'), color: MUTED };
    const unit = a.unit ?? 'number';
    const fmt = (v: number | null) => (unit === 'count' ? formatNumber(v, lang, 1) : formatByUnit(v, unit, lang, currency));
    const moved = a.movement ? ` ${L(a.movement)}` : '';
    return {
      text: `${fmt(a.before)} → ${fmt(a.after)}${moved}`,
      color: a.movement === 'better' ? GREEN : a.movement === 'worse' ? RED : INK,
    };
  };
  y = table(
    doc,
    [
      { head: L('dueOn'), width: 0.12 },
      { head: L('status'), width: 0.11 },
      { head: L('action'), width: 0.28 },
      { head: L('owner'), width: 0.08 },
      { head: 'KPI', width: 0.17 },
      { head: L('kpiBeforeAfter'), width: 0.24, align: 'right' },
    ],
    p.actions.listed.map((a) => [
      { text: formatDate(a.dueDate, lang), color: a.overdue ? RED : INK, bold: a.overdue },
      // an overdue action is not done: being late says more than open / in progress
      a.overdue ? { text: L('overdue'), color: RED, bold: true } : { text: L(`status.${a.status}` as PackLabel) },
      { text: a.action },
      { text: a.owner },
      { text: a.kpiLabel ?? '–' },
      effect(a),
    ]),
    y,
  );
  if (p.actions.total > p.actions.listed.length)
    y = para(doc, L('actionsMore', { shown: p.actions.listed.length, total: p.actions.total }), y, { size: 7, color: MUTED });
  return y;
}

/** The pack's PDF bytes. */
export async function renderPackPdf(p: PackData): Promise<Buffer> {
  const L = (k: PackLabel, v?: Record<string, string | number>) => packLabel(p.lang, k, v);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    lang: p.lang === 'ja' ? 'ja-JP' : 'en-GB',
    info: {
      Title: `${L('title')} ${formatPeriodKey(p.period.key, p.lang)}`,
      Creator: 'revcycle',
      CreationDate: new Date(`${p.today}T00:00:00Z`),
    },
  });
  doc.registerFont('R', FONT_REGULAR);
  doc.registerFont('B', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  pageOne(doc, p, L);
  doc.addPage();
  pageTwo(doc, p, L);
  doc.addPage();
  pageThree(doc, p, L);
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // the footer sits in the bottom margin: lift the margin so pdfkit does not start a new page for it
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    line(
      doc,
      `revcycle · ${formatPeriodKey(p.period.key, p.lang)} · ${L('page', { n: i + 1, total: range.count })}`,
      MARGIN,
      PAGE_H - MARGIN + 12,
      CONTENT_W,
      { size: 7, color: MUTED, align: 'right' },
    );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
