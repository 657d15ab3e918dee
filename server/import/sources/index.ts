/*
 * The sources the importer knows, and the one way an adapter tells which
 * export a file is: by its header (case ignored), never by its name (vendors
 * name exports after the date or the report).
 */
import { readHeader } from '../read-csv.js';
import { headerKey, type ImportContext, type SourceDefaults } from './common.js';

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

/** The header column (as written) that one requirement names, if any. */
const found = (header: string[], column: string): string | undefined => {
  const wanted = new Set(column.split('|').map(headerKey));
  return header.find((h) => wanted.has(headerKey(h)));
};

/**
 * Sorts files into kinds by header; a file matching none is an error naming
 * what was expected and, for the kind it comes closest to, which of its
 * columns it found (as written) and which it misses.
 */
export async function classify(files: string[], kinds: FileKind[], ctx: ImportContext): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const file of files) {
    const { header } = await readHeader(file, ctx.encoding);
    const hit = kinds.find((k) => k.requires.every((c) => found(header, c)));
    if (!hit) {
      const scored = kinds
        .map((k) => ({ k, got: k.requires.filter((c) => found(header, c)) }))
        .sort((a, b) => b.got.length / b.k.requires.length - a.got.length / a.k.requires.length);
      const near = scored[0]?.got.length ? scored[0] : undefined;
      const closest = near
        ? ` It looks like ${near.k.kind}: found ${near.got.map((c) => `"${found(header, c)}"`).join(', ')}; missing ${near.k.requires
            .filter((c) => !found(header, c))
            .map((c) => `one of ${c.split('|').join(' / ')}`)
            .join('; ')}.`
        : '';
      throw new ImportInputError(
        `${ctx.display(file)}: not a ${ctx.source} export this importer knows (header: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''}).${closest} ` +
          `Expected one of: ${kinds.map((k) => `${k.kind} (${k.requires.join(', ')})`).join('; ')}`,
      );
    }
    out.set(hit.kind, [...(out.get(hit.kind) ?? []), file]);
  }
  return out;
}
