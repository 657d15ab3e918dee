/*
 * GET /api/report/pack?period=FY2026|FY2026-Q3|2026-11|month|quarter|year&lang=ja|en
 * answers the meeting pack as a PDF download (docs/schedules.md, "The
 * meeting pack"). Behind the policy's `report` route rule (api/index.ts,
 * security/policy.ts): the executive and analyst roles; a team or agency
 * token is refused (403), since the pack holds the company-wide KGI, plan and
 * forecast. The figures are loaded with the caller's own token, so the
 * caller's row scope applies to them as to any query of theirs. lang
 * defaults to the settings' language, then Japanese; period to the fiscal
 * year holding as-of. A bad period or language is a 400 naming it.
 */
import type express from 'express';
import { bearerToken } from '../auth.js';
import { loopbackUrl, type Config } from '../config.js';
import { ActionStore } from '../api/actions.js';
import { isPackPeriod, packFileName, PACK_LANGUAGES, type PackLanguage } from '../contract/meeting-pack.js';
import { cubeLoaderWith } from '../deliver/cube-load.js';
import { collectPack, PackInputError } from './pack-data.js';
import { renderPackPdf } from './pack-pdf.js';

export function packHandler(config: Config): express.RequestHandler {
  return async (req, res, next) => {
    const period = typeof req.query.period === 'string' && req.query.period !== '' ? req.query.period : 'year';
    const lang = typeof req.query.lang === 'string' && req.query.lang !== '' ? req.query.lang : undefined;
    if (!isPackPeriod(period)) {
      res.status(400).json({
        error: `Invalid period "${period}": give FY2026, FY2026-Q3, 2026-11, or month, quarter or year`,
        field: 'period',
      });
      return;
    }
    if (lang !== undefined && !(PACK_LANGUAGES as readonly string[]).includes(lang)) {
      res.status(400).json({ error: `Invalid lang "${lang}": ja or en`, field: 'lang' });
      return;
    }
    const token = bearerToken(req.get('authorization'))!;
    const load = cubeLoaderWith(loopbackUrl(req.socket.localPort), () => token);
    try {
      const pack = await collectPack(load, {
        period,
        lang: lang as PackLanguage | undefined,
        actions: await new ActionStore(config.stateDir).list(),
      });
      const pdf = await renderPackPdf(pack);
      res
        .status(200)
        .set({
          'Content-Type': 'application/pdf',
          'Content-Disposition': `attachment; filename="${packFileName(pack.period.key, pack.lang)}"`,
          'Cache-Control': 'no-store',
        })
        .send(pdf);
    } catch (e) {
      if (e instanceof PackInputError) res.status(400).json({ error: e.message, field: 'period' });
      else next(e);
    }
  };
}
