/*
 * Streaming CSV output for the sample-data generator: one writer per table,
 * header first, RFC 4180 quoting (a field holding a comma, a quote or a line
 * break is quoted, inner quotes doubled), "\n" line ends, UTF-8 without BOM,
 * optionally gzip-compressed through node:zlib.
 *
 * Rows are encoded straight into 1 MB buffers (so no long-lived strings pile
 * up for the garbage collector) that are handed to the file stream whole, and
 * `drain()` waits while the stream's buffer is full, so memory stays bounded
 * however many rows a table gets. Limits: the caller must await
 * `drain()` and `yieldToIo()` now and then (the generator does both once per
 * simulated day: without a turn of the event loop, writes and gzip do not
 * progress while rows are generated) and `close()` at the end; a write error
 * rejects `close()`.
 */

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished, pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGzip, constants as zlibConstants, type ZlibOptions } from 'node:zlib';

const CHUNK_BYTES = 1 << 20;
/** Bytes a stream may buffer before the generator waits: large, so that compression and disk writes overlap generation. */
const STREAM_BUFFER = 32 << 20;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number;

export function csvField(value: CsvValue): string {
  if (typeof value === 'number') return String(value);
  if (!NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

/** Lets pending file writes and compression finish their callbacks, so they keep pace with generation. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class CsvWriter {
  readonly path: string;
  rows = 0;
  private readonly sink: Writable;
  private readonly done: Promise<void>;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  constructor(path: string, columns: readonly string[], gzip: boolean) {
    this.path = path;
    const file = createWriteStream(path, { highWaterMark: STREAM_BUFFER });
    if (gzip) {
      const options: ZlibOptions & { highWaterMark: number } = {
        level: zlibConstants.Z_DEFAULT_COMPRESSION,
        chunkSize: 1 << 20,
        highWaterMark: STREAM_BUFFER,
      };
      const zip = createGzip(options);
      this.sink = zip;
      this.done = pipeline(zip, file);
    } else {
      this.sink = file;
      this.done = finished(file);
    }
    this.line(columns.map(csvField).join(','));
    this.rows = 0;
  }

  row(values: readonly CsvValue[]): void {
    let text = '';
    for (let i = 0; i < values.length; i++) {
      if (i > 0) text += ',';
      text += csvField(values[i] as CsvValue);
    }
    this.line(text);
  }

  /** A pre-built row of fields that need no quoting (ids, codes, numbers, timestamps), without the line end. */
  line(text: string): void {
    this.rows++;
    if (this.used + 3 * text.length + 1 > CHUNK_BYTES) {
      this.flush();
      if (3 * text.length + 1 > CHUNK_BYTES) {
        this.sink.write(`${text}\n`);
        return;
      }
    }
    this.used += this.chunk.write(text, this.used, 'utf8');
    this.chunk[this.used++] = 10;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.sink.write(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }

  async drain(): Promise<void> {
    if (this.sink.writableNeedDrain) await once(this.sink, 'drain');
  }

  async close(): Promise<void> {
    this.flush();
    this.sink.end();
    await this.done;
  }
}
