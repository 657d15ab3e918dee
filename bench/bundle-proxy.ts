/*
 * Another dashboard bundle in front of a running server: serves a built
 * `dist` directory (index.html for the client-side routes) and passes the
 * API paths to the server, headers as sent (the session checks Origin
 * against Host). bench/compare-servers.ts `--dist-b` uses it to compare two
 * bundles over one server and one warehouse, so only the browser's work
 * differs between A and B.
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';

const API = /^\/(cubejs-api|api\/|readyz|healthz|livez)/;

export async function startBundleProxy(upstream: string, dist: string): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const app = express();
  app.use((req, res, next) => {
    if (!API.test(req.path)) return next();
    const forward = http.request(
      { host: target.hostname, port: target.port, path: req.originalUrl, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (e) => res.status(502).end(e.message));
    req.pipe(forward);
  });
  app.use(express.static(dist, { index: 'index.html' }));
  app.get(/.*/, (_req, res) => res.sendFile(path.join(path.resolve(dist), 'index.html')));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
