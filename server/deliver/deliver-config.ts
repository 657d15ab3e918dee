/*
 * Delivery settings (docs/schedules.md), read once from the environment like
 * server/config.ts reads the rest; the schedule runner and the channels
 * import this, never process.env.
 *
 *   SMTP:     REVCYCLE_SMTP_HOST, REVCYCLE_SMTP_PORT (587), REVCYCLE_SMTP_SECURE
 *             (false: plain connection upgraded by STARTTLS, which is then
 *             required; true: TLS from the first byte, port 465),
 *             REVCYCLE_SMTP_USER / REVCYCLE_SMTP_PASSWORD, REVCYCLE_SMTP_FROM,
 *             REVCYCLE_SMTP_TLS_CA (a PEM file to trust, e.g. a private CA).
 *   Channels: REVCYCLE_CHANNEL_<NAME>_URL, _KIND (slack | teams | webhook;
 *             guessed from the host when absent), _SECRET (the HMAC key of a
 *             generic webhook, required for it). <NAME> is the channel's name
 *             upper-cased with - and . as _ (inside_sales → INSIDE_SALES).
 *   Runner:   REVCYCLE_SCHEDULES (the schedules file; default schedules.csv
 *             in the seeds directory), REVCYCLE_SCHEDULE_TICK_SECONDS (30),
 *             REVCYCLE_DELIVERY_ATTEMPTS (5), REVCYCLE_DELIVERY_BACKOFF_MS
 *             (30000: first retry after that, doubling), REVCYCLE_PUBLIC_URL
 *             (the dashboard's address in links; default the server's own),
 *             REVCYCLE_SCHEDULES_ENABLED (true).
 *
 * Secrets (password, webhook URLs, which carry their own token, HMAC keys)
 * live only in this object; describeChannel() and the API show a channel's
 * kind and host, never its path or key.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../config.js';

export type ChannelKind = 'slack' | 'teams' | 'webhook';

export interface ChannelConfig {
  name: string;
  kind: ChannelKind;
  url: string;
  /** HMAC-SHA256 key of a generic webhook's signature. */
  secret?: string;
}

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is required. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  ca?: string;
}

export interface DeliverConfig {
  enabled: boolean;
  schedulesFile: string;
  tickSeconds: number;
  attempts: number;
  backoffMs: number;
  publicUrl?: string;
  smtp?: SmtpConfig;
  channels: Map<string, ChannelConfig>;
}

/** The environment name part of a channel: inside_sales → INSIDE_SALES. */
export const channelEnvName = (name: string) => name.toUpperCase().replace(/[-.\s]/g, '_');

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function guessKind(url: URL): ChannelKind {
  if (url.hostname === 'hooks.slack.com') return 'slack';
  if (/(^|\.)webhook\.office\.com$|(^|\.)logic\.azure\.com$|(^|\.)powerautomate\.com$/.test(url.hostname)) return 'teams';
  return 'webhook';
}

function loadChannels(env: NodeJS.ProcessEnv): Map<string, ChannelConfig> {
  const channels = new Map<string, ChannelConfig>();
  for (const [key, value] of Object.entries(env)) {
    const m = /^REVCYCLE_CHANNEL_([A-Z0-9_]+)_URL$/.exec(key);
    if (!m || !value) continue;
    const envName = m[1]!;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(`${key} is not a URL`);
    }
    if (url.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      throw new ConfigError(`${key} must be https (http only on loopback)`);
    }
    const rawKind = env[`REVCYCLE_CHANNEL_${envName}_KIND`];
    if (rawKind && !['slack', 'teams', 'webhook'].includes(rawKind)) {
      throw new ConfigError(`REVCYCLE_CHANNEL_${envName}_KIND must be slack, teams or webhook, got "${rawKind}"`);
    }
    const kind = (rawKind as ChannelKind | undefined) ?? guessKind(url);
    const secret = env[`REVCYCLE_CHANNEL_${envName}_SECRET`] || undefined;
    if (kind === 'webhook' && (!secret || secret.length < 16)) {
      throw new ConfigError(`REVCYCLE_CHANNEL_${envName}_SECRET (at least 16 characters) is required for a generic webhook`);
    }
    channels.set(envName, { name: envName.toLowerCase(), kind, url: url.href, secret });
  }
  return channels;
}

function loadSmtp(env: NodeJS.ProcessEnv): SmtpConfig | undefined {
  const host = env.REVCYCLE_SMTP_HOST;
  if (!host) return undefined;
  const secureRaw = (env.REVCYCLE_SMTP_SECURE ?? 'false').toLowerCase();
  if (!['true', 'false'].includes(secureRaw))
    throw new ConfigError(`REVCYCLE_SMTP_SECURE must be true or false, got "${secureRaw}"`);
  const secure = secureRaw === 'true';
  const user = env.REVCYCLE_SMTP_USER || undefined;
  const password = env.REVCYCLE_SMTP_PASSWORD || undefined;
  if (Boolean(user) !== Boolean(password)) throw new ConfigError('REVCYCLE_SMTP_USER and REVCYCLE_SMTP_PASSWORD go together');
  const from = env.REVCYCLE_SMTP_FROM;
  if (!from || !from.includes('@'))
    throw new ConfigError('REVCYCLE_SMTP_FROM (an address such as revcycle@example.co.jp) is required');
  let ca: string | undefined;
  if (env.REVCYCLE_SMTP_TLS_CA) {
    try {
      ca = readFileSync(env.REVCYCLE_SMTP_TLS_CA, 'utf8');
    } catch (e) {
      throw new ConfigError(`REVCYCLE_SMTP_TLS_CA: cannot read ${env.REVCYCLE_SMTP_TLS_CA}: ${(e as Error).message}`);
    }
  }
  return { host, port: positiveInt(env, 'REVCYCLE_SMTP_PORT', secure ? 465 : 587), secure, user, password, from, ca };
}

export function loadDeliverConfig(config: Pick<Config, 'seedsDir'>, env: NodeJS.ProcessEnv = process.env): DeliverConfig {
  const enabled = (env.REVCYCLE_SCHEDULES_ENABLED ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(enabled))
    throw new ConfigError(`REVCYCLE_SCHEDULES_ENABLED must be true or false, got "${enabled}"`);
  let publicUrl: string | undefined;
  if (env.REVCYCLE_PUBLIC_URL) {
    try {
      publicUrl = new URL(env.REVCYCLE_PUBLIC_URL).href.replace(/\/$/, '');
    } catch {
      throw new ConfigError(`REVCYCLE_PUBLIC_URL is not a URL: "${env.REVCYCLE_PUBLIC_URL}"`);
    }
  }
  return {
    enabled: enabled === 'true',
    schedulesFile: path.resolve(env.REVCYCLE_SCHEDULES || path.join(config.seedsDir, 'schedules.csv')),
    tickSeconds: positiveInt(env, 'REVCYCLE_SCHEDULE_TICK_SECONDS', 30),
    attempts: positiveInt(env, 'REVCYCLE_DELIVERY_ATTEMPTS', 5),
    backoffMs: positiveInt(env, 'REVCYCLE_DELIVERY_BACKOFF_MS', 30_000),
    publicUrl,
    smtp: loadSmtp(env),
    channels: loadChannels(env),
  };
}

/** What may be shown of a channel: its kind and host, never the URL's path (Slack's and Teams' token) or its key. */
export function describeChannel(c: ChannelConfig): string {
  return `${c.kind} (${new URL(c.url).host})`;
}
