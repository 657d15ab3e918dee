import { describe, expect, it } from 'vitest';
import { readBatchSpans, writeBatchAnswer } from '../../../server/contract/cube-batch';

// Bodies as the server has them (JSON text), with characters of one and two UTF-16 units and a nested "body" key.
const PARTS = [
  { status: 200, body: '{"cubes":[{"name":"deals","title":"商談"}]}' },
  { status: 400, body: '{"error":"Invalid query: \'deals.x\' is not a member 😀"}' },
  { status: 200, body: '{"results":[{"body":{"status":500}}],"data":[]}' },
  { status: 200, body: '[]' },
];

describe('a batch answer and the header that locates its bodies', () => {
  it('is the JSON of the results, and each span is its body, sliced out of the text', () => {
    const { text, header } = writeBatchAnswer(PARTS);
    const parsed = JSON.parse(text) as { results: { status: number; body: unknown }[] };
    expect(parsed.results).toEqual(PARTS.map((p) => ({ status: p.status, body: JSON.parse(p.body) })));
    const spans = readBatchSpans(header, text);
    expect(spans).toHaveLength(PARTS.length);
    spans!.forEach(({ status, start, length }, i) => {
      expect(status).toBe(parsed.results[i]!.status);
      expect(JSON.parse(text.slice(start, start + length))).toEqual(parsed.results[i]!.body);
    });
  });

  it('is not used for a text it does not fit (absent, malformed, or a body rewritten on the way)', () => {
    const { text, header } = writeBatchAnswer(PARTS);
    expect(readBatchSpans(null, text)).toBeUndefined();
    expect(readBatchSpans('garbage', text)).toBeUndefined();
    expect(readBatchSpans(header.replace(/^200 \d+/, '200 x'), text)).toBeUndefined();
    expect(readBatchSpans(header, text.replace('"data":[]', '"data":[1]'))).toBeUndefined();
    // Every body still in its place, but the text is not the one the header was written for.
    expect(readBatchSpans(header, `${text}\n`)).toBeUndefined();
    expect(
      readBatchSpans(
        header.replace(/ (\d+);/, (_, n: string) => ` ${Number(n) + 1000};`),
        text,
      ),
    ).toBeUndefined();
    expect(
      readBatchSpans(
        header.replace(/^200 (\d+)/, (_, n: string) => `200 ${Number(n) + 1}`),
        text,
      ),
    ).toBeUndefined();
  });
});
