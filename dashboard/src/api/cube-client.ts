/*
 * The dashboard's Cube client. It never holds the API secret: it asks the
 * revcycle server for a short-lived token (POST /api/session) and asks again
 * shortly before the token expires.
 */
import cube, { type CubeApi } from '@cubejs-client/core';

let cached: { token: string; expiresAt: number } | undefined;

export async function sessionToken(): Promise<string> {
  if (cached && cached.expiresAt - Date.now() > 60_000) return cached.token;
  const res = await fetch('/api/session', { method: 'POST' });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(`Session refused (${res.status}): ${body.error ?? res.statusText}`);
  }
  const { token, expiresIn } = (await res.json()) as { token: string; expiresIn: number };
  cached = { token, expiresAt: Date.now() + expiresIn * 1000 };
  return token;
}

export const cubeApi: CubeApi = cube(sessionToken, { apiUrl: `${window.location.origin}/cubejs-api/v1` });
