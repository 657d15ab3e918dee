/*
 * The sources the importer knows, and the one way an adapter tells which
 * export a file is: by its header (case ignored), never by its name (vendors
 * name exports after the date or the report).
 */
import { readHeader } from '../read-csv.js';
import type { ImportContext, SourceDefaults } from './common.js';

export interface SourceAdapter {
  name: string;
  defaults: SourceDefaults;
  read(files: string[], ctx: ImportContext): Promise<void>;
}

/** Bad input that stops the whole import before anything is written (exit code 2). */
export class ImportInputError extends Error {}

export interface FileKind {
  kind: string;
  /** Header columns that identify the export (all must be present); alternatives per entry separated by |. */
  requires: string[];
}

const has = (header: Set<string>, column: string) => column.split('|').some((c) => header.has(c.toLowerCase()));

/** Sorts files into kinds by header; a file matching none is an error naming what was expected. */
export async function classify(files: string[], kinds: FileKind[], ctx: ImportContext): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const file of files) {
    const { header } = await readHeader(file, ctx.encoding);
    const set = new Set(header.map((h) => h.toLowerCase()));
    const hit = kinds.find((k) => k.requires.every((c) => has(set, c)));
    if (!hit) {
      throw new ImportInputError(
        `${ctx.display(file)}: not a ${ctx.source} export this importer knows (header: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''}). ` +
          `Expected one of: ${kinds.map((k) => `${k.kind} (${k.requires.join(', ')})`).join('; ')}`,
      );
    }
    out.set(hit.kind, [...(out.get(hit.kind) ?? []), file]);
  }
  return out;
}
