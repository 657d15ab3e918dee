/*
 * The views the model declares `meta: {reference: true}` (model/views): definitions of a few rows
 * each — stages, channels, settings, the stage definitions and their change log — that hold no
 * one's figures. A rollup of them would be the table again, so they are read from their tables
 * and the "served from a pre-aggregation" checks leave them out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { projectRoot } from '../../server/config';

export function referenceViews(): Set<string> {
  const dir = path.join(projectRoot, 'model/views');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = YAML.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      views?: { name: string; meta?: { reference?: unknown } }[];
    } | null;
    for (const view of doc?.views ?? []) if (view.meta?.reference === true) names.add(view.name);
  }
  return names;
}
