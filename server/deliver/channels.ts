/*
 * Where a message goes: mail over SMTP (nodemailer, STARTTLS required unless
 * the connection is TLS from the start), Slack and Microsoft Teams incoming
 * webhooks, and a generic webhook whose JSON body is signed.
 *
 * Attachments (the meeting pack's PDF) go with mail, and in a generic
 * webhook's body as base64 (`attachments`: filename, contentType,
 * contentBase64); Slack's and Teams' incoming webhooks cannot carry files,
 * so a message to them says where to get it (its lines).
 *
 * Generic webhook signature (docs/schedules.md): headers
 *   X-Revcycle-Timestamp: <unix seconds>
 *   X-Revcycle-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   X-Revcycle-Delivery:  <idempotency key>  (the same on every retry)
 * A receiver recomputes the HMAC over the raw body, compares in constant time
 * and refuses a timestamp older than a few minutes (replay). Mail carries the
 * key in its Message-ID. Slack and Teams webhooks de-duplicate nothing: the
 * delivery log (delivery-log.ts) is what keeps them from a second copy.
 *
 * Errors never carry a secret: a channel's URL (Slack's and Teams' carry
 * their token in the path), its key and the SMTP password are cut from any
 * message before it is thrown.
 */
import { createHash, createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { channelEnvName, describeChannel, type ChannelConfig, type DeliverConfig } from './deliver-config.js';

export interface Attachment {
  filename: string;
  contentType: string;
  /** base64, so a message can be written to the delivery log as JSON. */
  contentBase64: string;
}

/** One message, in every channel's shape: a subject, plain lines, and the figures as data for webhooks. */
export interface Message {
  subject: string;
  /** Lines of plain text; a line may hold a link as a plain URL. */
  lines: string[];
  /** The figures the lines show, for a machine (generic webhook body `data`). */
  data: unknown;
  attachments?: Attachment[];
}

/** mail:a@x,b@y or channel:<name>; the schedule file's `target` after {team} is filled in. */
export type Target = { kind: 'mail'; to: string[] } | { kind: 'channel'; name: string };

export class DeliveryError extends Error {}

const HTTP_TIMEOUT_MS = 15_000;
export const SIGNATURE_HEADER = 'x-revcycle-signature';
export const TIMESTAMP_HEADER = 'x-revcycle-timestamp';
export const DELIVERY_HEADER = 'x-revcycle-delivery';

/** The signature a generic webhook carries: v1=hex(HMAC-SHA256(secret, `${timestamp}.${body}`)). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function parseTarget(raw: string): Target {
  const value = raw.trim();
  if (value.startsWith('channel:')) return { kind: 'channel', name: value.slice('channel:'.length).trim() };
  const to = (value.startsWith('mail:') ? value.slice('mail:'.length) : value)
    .split(/[;,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (to.length && to.every((a) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a))) return { kind: 'mail', to };
  return { kind: 'channel', name: value };
}

export function describeTarget(target: Target): string {
  return target.kind === 'mail' ? `mail ${target.to.join(', ')}` : `channel ${target.name}`;
}

/** What the API and the Data page may show of a target: for a channel, its kind and host when configured. */
export function describeTargetPublic(target: Target, config: DeliverConfig): string {
  if (target.kind === 'mail') return describeTarget(target);
  const channel = config.channels.get(channelEnvName(target.name));
  return `channel ${target.name}: ${channel ? describeChannel(channel) : 'not configured'}`;
}

function scrub(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

async function post(channel: ChannelConfig, body: string, headers: Record<string, string>): Promise<void> {
  let res: Response;
  try {
    res = await fetch(channel.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new DeliveryError(`${describeChannel(channel)}: ${(e as Error).message}${cause ? ` (${cause})` : ''}`);
  }
  const answer = (await res.text().catch(() => '')).slice(0, 200);
  if (!res.ok) throw new DeliveryError(`${describeChannel(channel)} answered ${res.status}${answer ? `: ${answer}` : ''}`);
}

function slackBody(m: Message): string {
  return JSON.stringify({ text: [`*${m.subject}*`, ...m.lines].join('\n') });
}

/** Teams: an Adaptive Card in a message, the shape Teams' workflow and incoming webhooks accept. */
function teamsBody(m: Message): string {
  return JSON.stringify({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: m.subject, weight: 'Bolder', size: 'Medium', wrap: true },
            ...m.lines.map((line) => ({ type: 'TextBlock', text: line, wrap: true, spacing: 'Small' })),
          ],
        },
      },
    ],
  });
}

async function sendChannel(channel: ChannelConfig, m: Message, key: string): Promise<void> {
  const secrets = [
    channel.url,
    new URL(channel.url).pathname.length > 1 ? new URL(channel.url).pathname : undefined,
    channel.secret,
  ];
  try {
    if (channel.kind === 'slack') return await post(channel, slackBody(m), {});
    if (channel.kind === 'teams') return await post(channel, teamsBody(m), {});
    // Files travel in the signed body, base64 (the meeting pack's PDF); Slack and Teams webhooks take none.
    const body = JSON.stringify({
      delivery: key,
      subject: m.subject,
      text: m.lines.join('\n'),
      data: m.data,
      ...(m.attachments?.length ? { attachments: m.attachments } : {}),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    await post(channel, body, {
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: webhookSignature(channel.secret!, timestamp, body),
      [DELIVERY_HEADER]: key,
    });
  } catch (e) {
    throw new DeliveryError(scrub((e as Error).message, secrets));
  }
}

async function sendMail(config: DeliverConfig, to: string[], m: Message, key: string): Promise<void> {
  const smtp = config.smtp;
  if (!smtp) throw new DeliveryError('mail is not configured (REVCYCLE_SMTP_HOST and REVCYCLE_SMTP_FROM)');
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Without TLS from the start, refuse to send unless the server upgrades with STARTTLS.
    requireTLS: !smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
    tls: smtp.ca ? { ca: smtp.ca } : undefined,
    connectionTimeout: HTTP_TIMEOUT_MS,
    greetingTimeout: HTTP_TIMEOUT_MS,
    socketTimeout: HTTP_TIMEOUT_MS,
  });
  try {
    await transport.sendMail({
      from: smtp.from,
      to,
      subject: m.subject,
      text: m.lines.join('\n'),
      // The same Message-ID on every attempt: a mail system that sees it twice can drop the copy.
      messageId: `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@revcycle>`,
      headers: { 'X-Revcycle-Delivery': key },
      attachments: m.attachments?.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.contentBase64, 'base64'),
      })),
    });
  } catch (e) {
    throw new DeliveryError(`mail via ${smtp.host}:${smtp.port}: ${scrub((e as Error).message, [smtp.password, smtp.user])}`);
  } finally {
    transport.close();
  }
}

/** Sends one message once; throws DeliveryError (no secret in its text) when it did not arrive. */
export async function send(config: DeliverConfig, target: Target, m: Message, key: string): Promise<void> {
  if (target.kind === 'mail') return sendMail(config, target.to, m, key);
  const channel = config.channels.get(channelEnvName(target.name));
  if (!channel) {
    throw new DeliveryError(`channel ${target.name} is not configured (REVCYCLE_CHANNEL_${channelEnvName(target.name)}_URL)`);
  }
  return sendChannel(channel, m, key);
}
