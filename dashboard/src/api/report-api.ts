/*
 * The meeting pack's PDF (GET /api/report/pack, server/report/pack-route.ts),
 * fetched with the session token like every revcycle API call and handed to
 * the browser as a file download.
 */
import { packFileName, packPath, type PackLanguage } from '../../../server/contract/meeting-pack';
import { ApiError } from './revcycle-api';
import { sessionToken } from './cube-client';

export async function downloadPack(period: string, lang: PackLanguage): Promise<void> {
  const token = await sessionToken();
  const res = await fetch(packPath(period, lang), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new ApiError(res.status, body.error ?? res.statusText);
  }
  const url = URL.createObjectURL(await res.blob());
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = packFileName(period, lang);
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
