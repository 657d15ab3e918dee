/*
 * GET /api/imports — what the figures rest on: per source, its last import
 * (when, files, rows read / accepted / quarantined, reasons, unmapped values,
 * the mapping in force) and the data's as-of, from the import area's
 * manifests; without an import, the same figures of the seed files in force
 * (seed-summary.ts). GET /api/imports/<id>/quarantine.csv and …/merges.csv download
 * an import's quarantine file and its log of merged leads and accounts. Both need a valid bearer token (401 otherwise) and a
 * role of the route rule (api/index.ts); the two files hold source rows (emails), so they also follow the personal-data
 * rule of security/policy.ts (403 for a role without personal data). An id that is not an import's is 404. Read-only:
 * imports run from the command line.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Config } from '../config.js';
import { bearerToken, verifyToken } from '../auth.js';
import { latestImport, readManifest } from '../import/area.js';
import { personalDataRefusal } from '../security/policy.js';
import type { Principal } from '../security/roles.js';
import type { ImportsStatus, ImportSourceStatus } from '../contract/imports.js';
import { seedSummary } from './seed-summary.js';

const IMPORT_ID = /^\d{8}T\d{9}Z-[A-Za-z0-9_-]+$/;

interface Manifest {
  id: string;
  asOf: string;
  timeZone: string;
  tables: Record<string, number>;
  sources: Record<string, Omit<ImportSourceStatus, 'quarantineAvailable'>>;
}

export function importsRouter(config: Config) {
  const router = express.Router();
  router.use((req, res, next) => {
    try {
      verifyToken(config.apiSecret, bearerToken(req.get('authorization')));
      next();
    } catch (e) {
      res.status(401).json({ error: `A valid bearer token is required: ${(e as Error).message}` });
    }
  });

  router.get('/', async (_req, res, next) => {
    const latest = latestImport(config.importsDir);
    const manifest = latest ? readManifest<Manifest>(latest) : undefined;
    let seeds: ImportsStatus['latest'] = null;
    try {
      if (!manifest) seeds = await seedSummary(config.seedsDir, config.seedsFrom);
    } catch (e) {
      next(e);
      return;
    }
    const body: ImportsStatus = {
      seedsFrom: config.seedsFrom,
      latest: manifest ? { id: manifest.id, asOf: manifest.asOf, timeZone: manifest.timeZone, tables: manifest.tables } : seeds,
      sources: Object.values(manifest?.sources ?? {})
        .map((s) => ({ ...s, quarantineAvailable: existsSync(path.join(config.importsDir, s.id, 'quarantine.csv')) }))
        .sort((a, b) => a.source.localeCompare(b.source)),
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.get('/:id/:name(quarantine|merges).csv', (req, res) => {
    const refusal = personalDataRefusal(res.locals.principal as Principal);
    if (refusal) {
      res
        .status(403)
        .json({ error: `Forbidden: the ${req.params.name} file holds source rows with personal data, and ${refusal}` });
      return;
    }
    const { id, name } = req.params as { id: string; name: string };
    const file = path.join(config.importsDir, id, `${name}.csv`);
    if (!IMPORT_ID.test(id) || !existsSync(file)) {
      res.status(404).json({ error: `No import "${id}" with a ${name} file (older imports are pruned after five)` });
      return;
    }
    res.set('Cache-Control', 'no-store');
    res.download(file, `${name}-${id}.csv`);
  });
  return router;
}
