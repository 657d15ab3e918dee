/*
 * Which browsers may talk to the server: CORS (off unless origins are
 * configured) and the gate of the anonymous local-dev session.
 *
 * The anonymous session hands out a token without credentials, so it must
 * only answer the dashboard served by this very server on this machine:
 *   - the TCP peer is loopback (another machine never gets one);
 *   - the Host header names an allowed host (localhost, 127.0.0.1, [::1],
 *     REVCYCLE_ALLOWED_HOSTS) — a DNS-rebinding page reaches loopback under
 *     its own name (evil.example), so its Host is not allowed;
 *   - a browser request is same-origin: `Sec-Fetch-Site`, when sent, is
 *     `same-origin`, and `Origin`, when sent, is this server's own origin.
 *     Browsers send `Origin` on every cross-origin POST, so a page elsewhere
 *     (another port is another origin) is refused. Clients that send neither
 *     header are not browsers (curl, scripts) and are allowed on loopback.
 * Limits: behind a reverse proxy the peer is the proxy; local dev mode is
 * not meant to be deployed (NODE_ENV=production turns it off).
 */
import type { SecurityConfig } from '../config.js';

/** The options of the `cors` package that Cube's server passes through (http.cors). */
export interface CorsOptions {
  origin: false | string[];
  allowedHeaders?: string;
  methods?: string[];
  credentials?: boolean;
  maxAge?: number;
}

const LOOPBACK_PEERS = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Cube's CubejsServer installs cors() with these options; without origins, no CORS header is ever sent. */
export function corsOptions(security: SecurityConfig): CorsOptions {
  if (security.corsOrigins.length === 0) return { origin: false };
  return {
    origin: security.corsOrigins,
    allowedHeaders: 'authorization,content-type,x-request-id',
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    credentials: false,
    maxAge: 600,
  };
}

export interface LocalRequest {
  remoteAddress: string | undefined;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

/** The host name of a Host header, without its port ("[::1]:4000" → "[::1]"). */
export function hostName(host: string): string {
  const m = /^(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(host.trim().toLowerCase());
  return m ? m[1]! : '';
}

/** null when the request may have an anonymous local-dev session, otherwise the reason it may not. */
export function localSessionRefusal(req: LocalRequest, security: SecurityConfig): string | null {
  if (!LOOPBACK_PEERS.has(req.remoteAddress ?? '')) return 'the client is not on this machine (loopback only)';
  const host = req.host ?? '';
  if (!security.allowedHosts.includes(hostName(host))) {
    return `the Host "${host}" is not an allowed host (${security.allowedHosts.join(', ')}; add names with REVCYCLE_ALLOWED_HOSTS)`;
  }
  if (req.secFetchSite !== undefined && req.secFetchSite !== 'same-origin') {
    return `the request comes from another site (Sec-Fetch-Site: ${req.secFetchSite})`;
  }
  if (req.origin !== undefined && req.origin !== `http://${host}` && req.origin !== `https://${host}`) {
    return `the request comes from another origin (${req.origin})`;
  }
  return null;
}
