/*
 * Encoding detection cannot be fooled by where a sample ends: a CP932
 * (Shift_JIS) export whose detection sample (1,048,576 bytes, read in
 * 64 KiB chunks) and header sniff (65,536 bytes) each end inside a two-byte
 * character is still read as CP932, header and rows alike, plain and
 * gzipped; so is a file whose first megabyte is plain ASCII. The file is
 * made here so that each boundary provably falls inside a character.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import Encoding from 'encoding-japanese';
import { detectEncoding, SAMPLE_BYTES } from '../../server/import/text';
import { detectFileEncoding, readHeader } from '../../server/import/read-csv';
import { importArea, type ImportArea } from './helpers';

const HEADER_SNIFF = 1 << 16;
const BOUNDARIES = [HEADER_SNIFF, SAMPLE_BYTES];
const HEADER = 'Company,Id,Email,Status,CreatedDate,会社名（カナ）\r\n';

/** True when byte `at` is the second byte of a two-byte CP932 character of `buf`. */
function cutsACharacter(buf: Buffer, at: number): boolean {
  return iconv.decode(buf.subarray(0, at), 'cp932').endsWith('\uFFFD') && !iconv.decode(buf, 'cp932').includes('\uFFFD');
}

/** A CP932 Lead export of `rows` rows, padded so that every boundary falls inside a two-byte character. */
function cp932Export(rows: number, asciiRows = 0, header = HEADER): Buffer {
  const parts: Buffer[] = [iconv.encode(header, 'cp932')];
  let size = parts[0]!.length;
  const todo = asciiRows ? [] : BOUNDARIES.filter((b) => b > size);
  for (let i = 0; i < rows; i++) {
    const japanese = i >= asciiRows;
    const line = (pad: number) =>
      iconv.encode(
        `${'x'.repeat(pad)}${japanese ? `株式会社テスト商事${i}` : `Test ${i}`},00Q${String(i).padStart(6, '0')},u${i}@example.jp,Open - Not Contacted,2025/4/1 9:05,${
          japanese ? 'カブシキガイシャテストショウジ' : 'TEST'
        }\r\n`,
        'cp932',
      );
    let row = line(0);
    const b = todo[0];
    if (b !== undefined && size + row.length > b) {
      // Pad the company name with ASCII until the boundary lands on a character's second byte.
      for (let pad = 0; pad < 160; pad++) {
        const candidate = line(pad);
        if (cutsACharacter(candidate, b - size)) {
          row = candidate;
          todo.shift();
          break;
        }
      }
    }
    parts.push(row);
    size += row.length;
  }
  return Buffer.concat(parts);
}

describe('encoding detection on a sample cut inside a character', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'revcycle-cut-'));
  const buf = cp932Export(10_409);
  const file = path.join(dir, 'Lead.csv');
  writeFileSync(file, buf);
  writeFileSync(`${file}.gz`, gzipSync(buf));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a fixture whose every boundary falls inside a two-byte character', () => {
    expect(buf.length).toBeGreaterThan(SAMPLE_BYTES);
    for (const b of BOUNDARIES) expect(cutsACharacter(buf, b), `byte ${b}`).toBe(true);
    // The trap itself: encoding-japanese on the cut sample does not answer Shift_JIS.
    expect(Encoding.detect(buf.subarray(0, SAMPLE_BYTES))).not.toBe('SJIS');
  });

  it('decides CP932 on every cut near each boundary', () => {
    for (const b of BOUNDARIES)
      for (let at = b - 3; at <= b + 3; at++)
        expect(detectEncoding(buf.subarray(0, at), { complete: false }), `cut at ${at}`).toBe('cp932');
  });

  it('reads the header and the whole file as CP932, plain and gzipped', async () => {
    for (const f of [file, `${file}.gz`]) {
      expect(await detectFileEncoding(f)).toBe('cp932');
      const { header, encoding } = await readHeader(f);
      expect(encoding).toBe('cp932');
      expect(header).toEqual(['Company', 'Id', 'Email', 'Status', 'CreatedDate', '会社名（カナ）']);
    }
  });

  it('reads on past a first megabyte of plain ASCII', async () => {
    const late = cp932Export(16_000, 15_000, 'Company,Id,Email,Status,CreatedDate,Kana\r\n');
    expect(late.subarray(0, SAMPLE_BYTES + 4096).every((c) => c < 0x80)).toBe(true);
    const f = path.join(dir, 'late.csv');
    writeFileSync(f, late);
    expect(await detectFileEncoding(f)).toBe('cp932');
  });

  describe('imported', () => {
    let area: ImportArea;
    beforeAll(() => {
      area = importArea();
    });
    afterAll(() => area.cleanup());
    it('imports every row: none quarantined as undecodable', async () => {
      for (const f of [file, `${file}.gz`]) {
        const result = await area.run('salesforce', [f], { dryRun: true, allowRejects: false });
        expect(result.manifest.run.files[0]).toMatchObject({ encoding: 'cp932', rows: 10_409 });
        expect(result.manifest.run.reasons).toEqual({});
        expect(result.manifest.run).toMatchObject({ read: 10_409, accepted: 10_409, quarantinedRows: 0 });
      }
    }, 120_000);
  });
});
