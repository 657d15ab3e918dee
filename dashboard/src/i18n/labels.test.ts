import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { channelLabel, setChannelCatalog } from './labels';

describe('channelLabel', () => {
  it('names the bundled channels from seeds/channels.csv, then every channel from the channels view', () => {
    // Before the view has loaded: the bundled file, row by row.
    const bundled = readFileSync(new URL('../../../seeds/channels.csv', import.meta.url), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(bundled).toHaveLength(11);
    for (const line of bundled) {
      const [code, ja, en] = line.split(',');
      expect([channelLabel(code, 'ja'), channelLabel(code, 'en')]).toEqual([ja, en]);
    }
    expect(channelLabel('podcast', 'ja')).toBe('podcast');
    expect(channelLabel('(none)', 'en')).toBe('(no touch)');

    // A company's channels.csv, as the channels view returns it.
    setChannelCatalog([
      { channel: 'seo', labelJa: '自然検索', labelEn: 'Organic search' },
      { channel: 'podcast', labelJa: 'ポッドキャスト', labelEn: 'Podcast' },
      { channel: 'radio', labelJa: null, labelEn: null },
    ]);
    expect([channelLabel('podcast', 'ja'), channelLabel('podcast', 'en')]).toEqual(['ポッドキャスト', 'Podcast']);
    expect(channelLabel('seo', 'ja')).toBe('自然検索');
    expect(channelLabel('radio', 'en')).toBe('radio');
    expect(channelLabel('(none)', 'ja')).toBe('(タッチなし)');
    expect(channelLabel(null, 'ja')).toBe('–');
  });
});
