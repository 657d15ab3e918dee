/*
 * The import area (`data/imports/` by default): one directory per complete
 * import, named `<UTC time>-<source>`, holding
 *   tables/       the canonical CSV tables the warehouse build reads
 *   store/        every source's rows so far (parquet), what the next import merges into
 *   quarantine.csv, merges.csv, manifest.json (written last)
 * An import is prepared in `.work-<pid>-<time>/` and appears under its final
 * name by one rename(2), so a reader (or `npm start`) sees the previous
 * import or the new one, never half of one; a killed import leaves only its
 * work directory, which the next import removes.
 *
 * Only fs and path here: server/config.ts reads the latest import through it.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export const MANIFEST = 'manifest.json';
export const KEEP_IMPORTS = 5;

/** Complete imports, oldest first. */
export function listImports(importsDir: string): string[] {
  if (!existsSync(importsDir)) return [];
  return readdirSync(importsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(path.join(importsDir, e.name, MANIFEST)))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(importsDir, name));
}

export function latestImport(importsDir: string): string | undefined {
  return listImports(importsDir).at(-1);
}

/** tables/ of the latest complete import, or undefined when there is none. */
export function latestImportTables(importsDir: string): string | undefined {
  const latest = latestImport(importsDir);
  return latest ? path.join(latest, 'tables') : undefined;
}

export function readManifest<T>(importDir: string): T {
  return JSON.parse(readFileSync(path.join(importDir, MANIFEST), 'utf8')) as T;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes work directories of imports whose process is gone (killed half-way). */
export function removeStaleWork(importsDir: string) {
  if (!existsSync(importsDir)) return;
  for (const e of readdirSync(importsDir)) {
    const m = /^\.work-(\d+)-/.exec(e);
    if (m && +m[1]! !== process.pid && !alive(+m[1]!)) rmSync(path.join(importsDir, e), { recursive: true, force: true });
  }
}

/** Keeps the newest KEEP_IMPORTS complete imports; older ones are carried in the manifests' history. */
export function pruneImports(importsDir: string, keep = KEEP_IMPORTS) {
  const all = listImports(importsDir);
  for (const dir of all.slice(0, Math.max(0, all.length - keep))) rmSync(dir, { recursive: true, force: true });
}

export function importId(source: string, at = new Date()): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace('.', '')}-${source}`;
}
