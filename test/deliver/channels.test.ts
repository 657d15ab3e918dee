/*
 * Each channel against a real receiver: mail to an SMTP server started here
 * (STARTTLS with a certificate the client must trust, login required; a
 * server that offers no STARTTLS is refused), Slack's and Teams' webhook
 * shapes and the generic webhook's HMAC signature, recomputed here with
 * node:crypto from the raw body. A failing receiver gives an error that
 * names the channel without its URL path or key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeliverConfig } from '../../server/deliver/deliver-config';
import { DeliveryError, parseTarget, send, type Message } from '../../server/deliver/channels';
import { makeCertificate, startHttpReceiver, startSmtp, type HttpReceiver, type TlsFiles } from './receivers';

let tls: TlsFiles;
let http: HttpReceiver;
const SECRET = 'whsec-0123456789abcdef';

const message: Message = {
  subject: 'SLA 超過: inside_sales 3 件',
  lines: ['新たな SLA 超過 3 件', 'http://localhost:4000/leads/L001'],
  data: { team: 'inside_sales', newBreaches: 3 },
  attachments: [
    { filename: 'pack.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.4 test').toString('base64') },
  ],
};

const smtpEnv = (port: number, extra: Record<string, string> = {}) => ({
  REVCYCLE_SMTP_HOST: 'localhost',
  REVCYCLE_SMTP_PORT: String(port),
  REVCYCLE_SMTP_USER: 'revcycle',
  REVCYCLE_SMTP_PASSWORD: 'smtp-pass-secret',
  REVCYCLE_SMTP_FROM: 'revcycle@example.co.jp',
  REVCYCLE_SMTP_TLS_CA: tls.certFile,
  ...extra,
});

beforeAll(async () => {
  tls = makeCertificate();
  http = await startHttpReceiver();
});
afterAll(async () => {
  await http.close();
  rmSync(tls.dir, { recursive: true, force: true });
});

describe('mail over SMTP', () => {
  it('upgrades with STARTTLS, logs in and delivers the text and the attachment', async () => {
    const smtp = await startSmtp(tls, { user: 'revcycle', password: 'smtp-pass-secret' });
    try {
      const config = loadDeliverConfig({ seedsDir: '/nonexistent' }, smtpEnv(smtp.port));
      await send(config, parseTarget('a@example.co.jp, b@example.co.jp'), message, 'sched-1@2026-12-07T00:00:00Z#all');
      expect(smtp.secured).toEqual([true]);
      expect(smtp.logins).toEqual(['revcycle']);
      expect(smtp.mails).toHaveLength(1);
      const mail = smtp.mails[0]!;
      expect(mail.subject).toBe(message.subject);
      expect(mail.text?.trim()).toBe(message.lines.join('\n'));
      expect((Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((t) => t!.value.map((v) => v.address))).toEqual([
        'a@example.co.jp',
        'b@example.co.jp',
      ]);
      expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
        ['pack.pdf', 'application/pdf', '%PDF-1.4 test'],
      ]);
      expect(mail.headers.get('x-revcycle-delivery')).toBe('sched-1@2026-12-07T00:00:00Z#all');
    } finally {
      await smtp.close();
    }
  });

  it('refuses a server that offers no STARTTLS, and a wrong password, without printing the password', async () => {
    const plain = await startSmtp(tls, { user: 'revcycle', password: 'smtp-pass-secret', noStartTls: true });
    const strict = await startSmtp(tls, { user: 'revcycle', password: 'another-password' });
    try {
      const noTls = loadDeliverConfig({ seedsDir: '/nonexistent' }, smtpEnv(plain.port));
      const e1 = await send(noTls, parseTarget('a@example.co.jp'), message, 'k1').catch((e: Error) => e);
      expect(e1).toBeInstanceOf(DeliveryError);
      expect((e1 as Error).message).toMatch(/STARTTLS/i);
      expect(plain.mails).toHaveLength(0);
      const badLogin = loadDeliverConfig({ seedsDir: '/nonexistent' }, smtpEnv(strict.port));
      const e2 = await send(badLogin, parseTarget('a@example.co.jp'), message, 'k2').catch((e: Error) => e);
      expect(e2).toBeInstanceOf(DeliveryError);
      expect((e2 as Error).message).not.toContain('smtp-pass-secret');
      expect(strict.mails).toHaveLength(0);
    } finally {
      await plain.close();
      await strict.close();
    }
  });
});

describe('webhooks', () => {
  const env = () => ({
    REVCYCLE_CHANNEL_SALES_URL: `${http.url}/slack/T000/B000/slack-token-xyz`,
    REVCYCLE_CHANNEL_SALES_KIND: 'slack',
    REVCYCLE_CHANNEL_INSIDE_SALES_URL: `${http.url}/teams/workflow-token-xyz`,
    REVCYCLE_CHANNEL_INSIDE_SALES_KIND: 'teams',
    REVCYCLE_CHANNEL_OPS_URL: `${http.url}/hook/ops`,
    REVCYCLE_CHANNEL_OPS_SECRET: SECRET,
  });

  it('posts Slack text and a Teams Adaptive Card', async () => {
    const config = loadDeliverConfig({ seedsDir: '/nonexistent' }, env());
    const before = http.requests.length;
    await send(config, parseTarget('sales'), message, 'k-slack');
    await send(config, parseTarget('channel:inside_sales'), message, 'k-teams');
    const [slack, teams] = http.requests.slice(before);
    expect(slack!.path).toBe('/slack/T000/B000/slack-token-xyz');
    expect(JSON.parse(slack!.body)).toEqual({ text: `*${message.subject}*\n${message.lines.join('\n')}` });
    const card = JSON.parse(teams!.body);
    expect(card.type).toBe('message');
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0].content.body.map((b: { text: string }) => b.text)).toEqual([message.subject, ...message.lines]);
  });

  it('signs a generic webhook: HMAC-SHA256 over "<timestamp>.<raw body>"', async () => {
    const config = loadDeliverConfig({ seedsDir: '/nonexistent' }, env());
    const before = http.requests.length;
    const sentAt = Math.floor(Date.now() / 1000);
    await send(config, parseTarget('ops'), message, 'sched-2@2026-12-07T00:00:00Z#ops');
    const req = http.requests[before]!;
    const timestamp = Number(req.headers['x-revcycle-timestamp']);
    expect(Math.abs(timestamp - sentAt)).toBeLessThanOrEqual(2);
    const expected = Buffer.from(`v1=${createHmac('sha256', SECRET).update(`${timestamp}.${req.body}`).digest('hex')}`);
    const got = Buffer.from(String(req.headers['x-revcycle-signature']));
    expect(got.length === expected.length && timingSafeEqual(got, expected)).toBe(true);
    // A body changed in transit no longer matches.
    const tampered = createHmac('sha256', SECRET)
      .update(`${timestamp}.${req.body.replace('3', '4')}`)
      .digest('hex');
    expect(got.toString()).not.toBe(`v1=${tampered}`);
    expect(req.headers['x-revcycle-delivery']).toBe('sched-2@2026-12-07T00:00:00Z#ops');
    expect(JSON.parse(req.body)).toEqual({
      delivery: 'sched-2@2026-12-07T00:00:00Z#ops',
      subject: message.subject,
      text: message.lines.join('\n'),
      data: message.data,
      // files travel in the signed body, base64 (the meeting pack's PDF)
      attachments: message.attachments,
    });
  });

  it('reports a failed post by channel kind and host, never the URL path or key', async () => {
    const config = loadDeliverConfig({ seedsDir: '/nonexistent' }, env());
    http.answer = () => 503;
    try {
      for (const target of ['sales', 'ops']) {
        const e = await send(config, parseTarget(target), message, 'k-fail').catch((err: Error) => err);
        expect(e).toBeInstanceOf(DeliveryError);
        expect((e as Error).message).toMatch(/answered 503/);
        expect((e as Error).message).not.toMatch(/slack-token-xyz|hook\/ops|whsec/);
      }
    } finally {
      http.answer = () => 200;
    }
    const missing = await send(config, parseTarget('nowhere'), message, 'k').catch((err: Error) => err);
    expect((missing as Error).message).toBe('channel nowhere is not configured (REVCYCLE_CHANNEL_NOWHERE_URL)');
  });

  it('refuses a generic webhook without a signing key, and a plain-http URL off loopback', () => {
    expect(() => loadDeliverConfig({ seedsDir: '/x' }, { REVCYCLE_CHANNEL_OPS_URL: 'https://hooks.example.com/x' })).toThrow(
      /REVCYCLE_CHANNEL_OPS_SECRET/,
    );
    expect(() =>
      loadDeliverConfig(
        { seedsDir: '/x' },
        { REVCYCLE_CHANNEL_OPS_URL: 'http://hooks.example.com/x', REVCYCLE_CHANNEL_OPS_SECRET: SECRET },
      ),
    ).toThrow(/must be https/);
  });
});
