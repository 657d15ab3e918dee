import { describe, expect, it } from 'vitest';
import { toCsv } from './export-csv';

describe('toCsv', () => {
  it('quotes what needs quoting, starts with a BOM and ends lines with CRLF', () => {
    const csv = toCsv(
      [
        { key: 'a', label: 'リード' },
        { key: 'b', label: 'note' },
      ],
      [
        { a: 'L1', b: 'says "hi", twice' },
        { a: null, b: 'two\nlines' },
      ],
    );
    expect(csv).toBe('\uFEFFリード,note\r\nL1,"says ""hi"", twice"\r\n,"two\nlines"\r\n');
  });
});
