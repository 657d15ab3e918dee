/*
 * What GET /api/imports answers, shared by the server (server/api/imports.ts)
 * and the dashboard's data page. Browser-safe: types only.
 */

/** Report lines that are not records: 合計 / Total and 小計 / Subtotal lines, group headings, the report's footer. */
export interface SkippedLines {
  total: number;
  group: number;
  footer: number;
}

/** How an import read its source: the mapping file, the zone and date format of its times, the encoding, the value maps. */
export interface ImportMapping {
  file: string | null;
  timeZone: string;
  dateFormat: string | null;
  encoding: string;
  values: Record<string, Record<string, string | null>>;
}

export interface ImportFileReport {
  file: string;
  kind: string;
  encoding: string;
  rows: number;
  /** Absent when the file had none (and in manifests written before lines were counted). */
  skipped?: SkippedLines;
}

export interface ImportSourceStatus {
  source: string;
  /** Import id (directory name); the quarantine download is /api/imports/<id>/quarantine.csv. */
  id: string;
  finishedAt: string;
  files: ImportFileReport[];
  read: number;
  /** Lines skipped as not records, all files together, neither imported nor quarantined (absent in older manifests). */
  skipped?: SkippedLines;
  accepted: number;
  quarantinedRows: number;
  /** Quarantine entries per reason. */
  reasons: Record<string, number>;
  /** Source values no mapping named, per kind, with rows and a suggested mapping entry. */
  unmapped: Record<string, Record<string, { rows: number; suggestion: string }>>;
  mapping: ImportMapping;
  merges: number;
  /** False once the import has been pruned from the import area (older than the last five). */
  quarantineAvailable: boolean;
}

export interface ImportsStatus {
  /** Where the warehouse's data comes from: an import, REVCYCLE_SEEDS, or the bundled sample. */
  seedsFrom: 'import' | 'env' | 'bundled';
  latest: { id: string; asOf: string; timeZone: string; tables: Record<string, number> } | null;
  sources: ImportSourceStatus[];
}
