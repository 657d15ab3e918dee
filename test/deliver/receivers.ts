/*
 * Real receivers for the delivery tests: an SMTP server (smtp-server) that
 * offers STARTTLS with a certificate made here by openssl and requires a
 * login, parsing what arrives with mailparser; and an HTTP receiver
 * (node:http) that records each request's raw body and headers and answers
 * what the test tells it to (a status, or holding the request open).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TlsFiles {
  dir: string;
  certFile: string;
  cert: string;
  key: string;
}

/** A self-signed certificate for localhost (the client trusts it through REVCYCLE_SMTP_TLS_CA). */
export function makeCertificate(): TlsFiles {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { dir, certFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

export interface SmtpReceiver {
  port: number;
  mails: ParsedMail[];
  /** Whether each session upgraded with STARTTLS before its login. */
  secured: boolean[];
  logins: string[];
  close(): Promise<void>;
}

export async function startSmtp(
  tls: TlsFiles,
  opts: { user: string; password: string; noStartTls?: boolean },
): Promise<SmtpReceiver> {
  const mails: ParsedMail[] = [];
  const secured: boolean[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    key: tls.key,
    cert: tls.cert,
    // A server without STARTTLS at all (hiding it from EHLO is not enough: a client may still ask for it).
    ...(opts.noStartTls ? { disabledCommands: ['STARTTLS'], allowInsecureAuth: true } : {}),
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, session, callback) {
      secured.push(Boolean(session.secure));
      if (auth.username === opts.user && auth.password === opts.password) {
        logins.push(auth.username!);
        return callback(null, { user: auth.username });
      }
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (e: Error) => callback(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, secured, logins, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status answered; undefined while held open or when the connection was cut. */
  status?: number;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** What to answer the next requests: a status, or 'hold' to keep them open. Default 200. */
  answer: (req: ReceivedRequest) => number | 'hold';
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const held: http.ServerResponse[] = [];
  const receiver: HttpReceiver = {
    url: '',
    requests,
    answer: () => 200,
    async waitFor(n, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${requests.length} of ${n} requests arrived`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: ReceivedRequest = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(entry);
      const answer = receiver.answer(entry);
      if (answer === 'hold') {
        held.push(res);
        return;
      }
      entry.status = answer;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'failed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
