/*
 * The import area (`data/imports/` by default): one directory per complete
 * import, named `<UTC time>-<source>`, holding
 *   tables/       the canonical CSV tables the warehouse build reads
 *   store/        every source's rows so far (parquet), what the next import merges into
 *   quarantine.csv, merges.csv, manifest.json (written last)
 * An import is prepared in `.work-<pid>-<time>/snapshot/` (manifest
 * included) and appears under its final name by one rename(2), so a reader
 * sees the previous import or the new one, never half of one.
 *
 * One commit point: the warehouse swap. Just before it, the import writes
 * `swap.json` into its work directory naming the warehouse path and the
 * inode of the file about to be renamed over it. Whoever lists the imports
 * next (an import, `npm start`, GET /api/imports, the Data page) finishes an
 * import whose process died after its swap: if the warehouse path now holds
 * that inode, the snapshot is renamed into place (roll forward); otherwise
 * the swap never happened and the work directory is only removed by the next
 * import (roll back). So after a kill -9 at any instant, the warehouse, the
 * latest import record and the Data page name the same import.
 *
 * Only fs, path and server/process-alive.ts here: server/config.ts reads the latest import through it.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from '../process-alive.js';

export const MANIFEST = 'manifest.json';
/** In a work directory: the warehouse swap this import is about to make (see above). */
export const SWAP = 'swap.json';

export interface SwapRecord {
  warehouse: string;
  /** Inode of the new warehouse file: after rename(2) the warehouse path holds it. */
  ino: number;
  id: string;
}
export const KEEP_IMPORTS = 5;

/**
 * Finishes imports whose process died after swapping the warehouse in and
 * before renaming their snapshot into place. Returns the ids finished.
 */
export function finishCommittedImports(importsDir: string): string[] {
  if (!existsSync(importsDir)) return [];
  const finished: string[] = [];
  for (const e of readdirSync(importsDir)) {
    const m = /^\.work-(\d+)-/.exec(e);
    if (!m || processAlive(+m[1]!)) continue;
    const work = path.join(importsDir, e);
    const swapFile = path.join(work, SWAP);
    const snapshot = path.join(work, 'snapshot');
    if (!existsSync(swapFile) || !existsSync(path.join(snapshot, MANIFEST))) continue;
    let swap: SwapRecord;
    try {
      swap = JSON.parse(readFileSync(swapFile, 'utf8')) as SwapRecord;
    } catch {
      continue; // written before the swap and synced; unreadable means the swap never came
    }
    let ino: number | undefined;
    try {
      ino = statSync(swap.warehouse).ino;
    } catch {
      ino = undefined;
    }
    if (ino !== swap.ino) continue;
    const target = path.join(importsDir, swap.id);
    if (!existsSync(target)) renameSync(snapshot, target);
    rmSync(work, { recursive: true, force: true });
    finished.push(swap.id);
  }
  return finished;
}

/** Complete imports, oldest first (finishing any whose warehouse swap was its last act). */
export function listImports(importsDir: string): string[] {
  if (!existsSync(importsDir)) return [];
  finishCommittedImports(importsDir);
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

/** Removes work directories of imports whose process is gone (killed half-way), after finishing committed ones. */
export function removeStaleWork(importsDir: string) {
  if (!existsSync(importsDir)) return;
  finishCommittedImports(importsDir);
  for (const e of readdirSync(importsDir)) {
    const m = /^\.work-(\d+)-/.exec(e);
    if (m && +m[1]! !== process.pid && !processAlive(+m[1]!)) rmSync(path.join(importsDir, e), { recursive: true, force: true });
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
