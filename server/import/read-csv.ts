/*
 * Reads one export file row by row: `.csv` or `.csv.gz`, encoding detected
 * (or as the mapping says), header row first, fields quoted the RFC 4180 way
 * (commas and newlines inside quotes). Each row comes with the line it starts
 * on, so every rejection can name file and line.
 *
 * Rows that cannot be read as data are handed back as problems, never
 * dropped: a row with more or fewer fields than the header (ragged), and a
 * row with bytes that are not valid in the file's encoding (U+FFFD after
 * decoding). Values are trimmed of the spaces Excel pads cells with;
 * otherwise text is returned as written.
 *
 * Lines a report adds that are not records are handed back as skipped, and
 * counted, never imported nor quarantined: totals and subtotals (a row whose
 * first filled cell is 合計, 小計, 総計, Total, Subtotal, Grand Total, with
 * or without a count such as "合計 (12)"), group headings of a grouped
 * report (a row whose only filled cell is the first one, written "value
 * (n)" or "label: value (n)"), and the footer (single-field lines at the end
 * of a report export, when one of them is the report's copyright or
 * confidentiality line).
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { detectEncoding, hasNonAscii, SAMPLE_BYTES, wholeLines, type TextEncoding } from './text.js';

export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

export interface CsvProblem {
  line: number;
  column: string;
  value: string;
  reason: string;
}

export interface CsvFileInfo {
  file: string;
  encoding: TextEncoding;
  header: string[];
  bytes: number;
}

const isGzip = (file: string) => file.toLowerCase().endsWith('.gz');

/** The first bytes of a file (decompressed for .gz), for detection and for telling files apart by header. */
export async function sampleFile(file: string, bytes = 1 << 20): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(isGzip(file) ? Math.min(bytes, 1 << 18) : bytes);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (!isGzip(file)) return head;
    try {
      return gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: a cut stream is fine */ }).subarray(0, bytes);
    } catch {
      return Buffer.alloc(0);
    }
  } finally {
    await handle.close();
  }
}

/** The file's bytes as a stream (decompressed for .gz), and how to stop reading it. */
function byteStream(file: string): { stream: AsyncIterable<Buffer>; close(): void } {
  const raw = createReadStream(file, { highWaterMark: 1 << 16 });
  if (!isGzip(file)) return { stream: raw, close: () => raw.destroy() };
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return {
    stream: raw.pipe(gunzip),
    close: () => {
      raw.destroy();
      gunzip.destroy();
    },
  };
}

/**
 * The encoding of a whole file, decided on whole lines: reads a megabyte,
 * then on to the end of its line, and on further while everything read is
 * ASCII (a file may be plain ASCII for its first megabyte and Japanese
 * after). Never decides on a sample cut inside a character.
 */
export async function detectFileEncoding(file: string): Promise<TextEncoding> {
  const { stream, close } = byteStream(file);
  let parts: Buffer[] = [];
  let size = 0;
  let first = true;
  try {
    for await (const chunk of stream) {
      if (first) {
        first = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return 'utf8';
        if (chunk[0] === 0xff && chunk[1] === 0xfe) return 'utf16le';
      }
      parts.push(chunk);
      size += chunk.length;
      if (size < SAMPLE_BYTES || chunk.indexOf(0x0a) < 0) continue;
      const sample = Buffer.concat(parts);
      const whole = wholeLines(sample, false);
      if (hasNonAscii(whole)) return detectEncoding(whole);
      // All ASCII so far: keep only the unfinished line and read on.
      parts = [sample.subarray(whole.length)];
      size = parts[0]!.length;
    }
    return detectEncoding(Buffer.concat(parts));
  } finally {
    close();
  }
}

/** Header fields of a file (decoded, BOM removed), for recognising which export it is. */
export async function readHeader(
  file: string,
  encoding: TextEncoding | 'auto' = 'auto',
): Promise<{ header: string[]; encoding: TextEncoding }> {
  const enc = encoding === 'auto' ? await detectFileEncoding(file) : encoding;
  let sample = await sampleFile(file, 1 << 16);
  if (sample.indexOf(0x0a) < 0) sample = await sampleFile(file, 1 << 22);
  // The first line only, decoded whole (a sample cut inside a character would decode its last one as U+FFFD).
  const end = enc === 'utf16le' ? sample.length & ~1 : sample.indexOf(0x0a) + 1 || sample.length;
  const text = iconv.decode(sample.subarray(0, end), enc).replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const parsed = await new Promise<string[][]>((resolve, reject) =>
    parse(firstLine, { relax_quotes: true, relax_column_count: true }, (err, out) => (err ? reject(err) : resolve(out))),
  );
  return { header: (parsed[0] ?? []).map((h) => h.trim()), encoding: enc };
}

/** A report line that is not a record: a total or subtotal, a group heading, a footer line. */
export interface CsvSkipped {
  line: number;
  skipped: 'total' | 'group' | 'footer';
  text: string;
}

export type CsvItem = CsvRow | (CsvProblem & { problem: true }) | CsvSkipped;

/** Report totals and subtotals in the languages the vendors' UIs write them, alone or with a count. */
const TOTAL =
  /^(?:合計|小計|総計|総合計|計|grand\s*totals?|sub-?\s*totals?|totals?|record\s*count|レコード数|件数)(?:\s*[(（:：]?\s*[\d,]*\s*(?:件|records?)?\s*[)）]?)$/i;
/** A grouped report's heading: "Open - Not Contacted (12)", "Lead Status: Working (3)", "フェーズ: 商談 (4件)". */
const GROUP = /^.+[(（]\s*[\d,]+\s*(?:件|records?)?\s*[)）]$/i;

/** Why a row is not a record of the export, or undefined when it is one. */
function reportLine(fields: string[]): CsvSkipped['skipped'] | undefined {
  const filled = fields.map((f) => f.trim()).filter((f) => f !== '');
  if (!filled.length) return undefined;
  if (TOTAL.test(filled[0]!.normalize('NFKC'))) return 'total';
  if (filled.length === 1 && fields[0]!.trim() !== '' && fields.length > 1 && GROUP.test(filled[0]!.normalize('NFKC')))
    return 'group';
  return undefined;
}

/**
 * Streams the rows of `file` to `onItem` (synchronously, in file order; a
 * callback rather than an async iterator, which costs a promise per row).
 * `onProgress` gets bytes read so far (of the file on disk). Rejects only
 * when the file cannot be read or has no header at all.
 */
export async function readCsv(
  file: string,
  options: {
    encoding?: TextEncoding | 'auto';
    onProgress?: (bytes: number) => void;
    onInfo?: (info: CsvFileInfo) => void;
    /** Single-field rows at the end of the file are a footer, not data, when one of them matches (Salesforce report exports). */
    footer?: RegExp;
    /** Line of the header row (1-based) when lines above it describe the export (BowNow's search conditions). */
    headerLine?: number;
  },
  onItem: (item: CsvItem) => void,
): Promise<void> {
  const size = (await stat(file)).size;
  const encoding = !options.encoding || options.encoding === 'auto' ? await detectFileEncoding(file) : options.encoding;
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let read = 0;
  raw.on('data', (chunk) => {
    read += chunk.length;
    options.onProgress?.(read);
  });
  const bytes = isGzip(file) ? raw.pipe(createGunzip()) : raw;
  const text = bytes.pipe(iconv.decodeStream(encoding, { stripBOM: true }));
  const parser = text.pipe(
    parse({
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
      bom: true,
      trim: false,
      from_line: options.headerLine ?? 1,
    }),
  );
  let header: string[] | undefined;
  let nextLine = options.headerLine ?? 1;
  // Blank lines the parser skipped so far: those before a record move its first line down.
  let emptyLines = 0;
  const held: { line: number; fields: string[] }[] = [];
  let failed: unknown;
  parser.on('data', (record: { record: string[]; info: { lines: number; empty_lines: number } }) => {
    if (failed) return;
    try {
      const line = nextLine + record.info.empty_lines - emptyLines;
      emptyLines = record.info.empty_lines;
      nextLine = record.info.lines + 1;
      const fields = record.record;
      if (!header) {
        header = fields.map((h) => h.replace(/^\uFEFF/, '').trim());
        options.onInfo?.({ file, encoding, header, bytes: size });
        return;
      }
      if (fields.length === 1 && fields[0]!.trim() === '') return;
      const report = reportLine(fields);
      if (report) {
        for (const h of held.splice(0)) onItem(ragged(h.line, h.fields, header));
        onItem({ line, skipped: report, text: fields.join(',').slice(0, 200) });
        return;
      }
      if (options.footer && fields.length === 1 && header.length > 1) {
        held.push({ line, fields });
        return;
      }
      for (const h of held.splice(0)) onItem(ragged(h.line, h.fields, header));
      onItem(valuesItem(line, fields, header, encoding));
    } catch (e) {
      failed = e;
      raw.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    for (const stream of [raw, bytes, text, parser] as NodeJS.EventEmitter[]) stream.on('error', reject);
  });
  if (failed) throw failed;
  if (!header) throw new Error(`${path.basename(file)}: the file is empty (no header row)`);
  const footer = held.some((h) => options.footer!.test(h.fields[0]!));
  for (const h of held)
    onItem(footer ? { line: h.line, skipped: 'footer', text: h.fields[0]!.slice(0, 200) } : ragged(h.line, h.fields, header));
}

/**
 * What one record of a file is (a footer aside): nothing (a blank line), a report line that is not a record, a
 * problem (ragged, undecodable bytes) or a row of values, trimmed. The one place these are decided, for this reader
 * and for the DuckDB reader's rows it hands back (sources/generic-fast.ts).
 */
export function recordItem(line: number, fields: string[], header: string[], encoding: TextEncoding): CsvItem | undefined {
  if (fields.length === 1 && fields[0]!.trim() === '') return undefined;
  const report = reportLine(fields);
  if (report) return { line, skipped: report, text: fields.join(',').slice(0, 200) };
  return valuesItem(line, fields, header, encoding);
}

/** A record's values by header, trimmed, or the problem that keeps it from being read. */
function valuesItem(line: number, fields: string[], header: string[], encoding: TextEncoding): CsvItem {
  if (fields.length !== header.length) return ragged(line, fields, header);
  const values: Record<string, string> = {};
  let bad: string | undefined;
  for (let i = 0; i < header.length; i++) {
    const v = fields[i]!.trim();
    if (bad === undefined && v.includes('\uFFFD')) bad = header[i]!;
    values[header[i]!] = v;
  }
  if (bad !== undefined)
    return {
      problem: true,
      line,
      column: bad,
      value: values[bad]!.slice(0, 200),
      reason: `undecodable bytes (not valid ${encoding})`,
    };
  return { line, values };
}

function ragged(line: number, fields: string[], header: string[]): CsvProblem & { problem: true } {
  return {
    problem: true,
    line,
    column: fields.length > header.length ? `(field ${header.length + 1})` : (header[fields.length] ?? ''),
    value: fields.join(',').slice(0, 200),
    reason: `ragged row: ${fields.length} fields, the header has ${header.length}`,
  };
}
