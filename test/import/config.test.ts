/*
 * What `npm start` and `npm run build:warehouse` build from: the latest
 * complete import when there is one, else the bundled seeds; REVCYCLE_SEEDS
 * overrides both. A killed import's work directory is not an import.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config';
import { FIXTURES, PROJECT_ROOT, importArea } from './helpers';

const area = importArea();
afterAll(() => area.cleanup());
const config = (extra: Record<string, string> = {}) =>
  loadConfig({ CUBEJS_API_SECRET: 'test-secret-0123456789abcdef', REVCYCLE_IMPORTS: area.importsDir, ...extra });

describe('the seeds folder the server builds from', () => {
  it('is the bundled sample while nothing is imported, whatever half-finished work lies around', () => {
    mkdirSync(path.join(area.importsDir, '.work-999999-20250101T000000000Z-hubspot', 'snapshot', 'tables'), { recursive: true });
    expect(config()).toMatchObject({ seedsDir: path.join(PROJECT_ROOT, 'seeds'), seedsFrom: 'bundled' });
  });

  it('is the latest complete import once there is one, unless REVCYCLE_SEEDS says otherwise', async () => {
    await area.run('marketo', [path.join(FIXTURES, 'marketo')], { build: false });
    const second = await area.run('hubspot', [path.join(FIXTURES, 'hubspot')], { build: false });
    expect(config()).toMatchObject({
      seedsDir: path.join(second.dir!, 'tables'),
      seedsFrom: 'import',
      importsDir: area.importsDir,
    });
    expect(config({ REVCYCLE_SEEDS: '/srv/my-tables' })).toMatchObject({ seedsDir: '/srv/my-tables', seedsFrom: 'env' });
  }, 60_000);
});

describe('REVCYCLE_IMPORT_HOLD_AT (fault tests)', () => {
  it('is read and checked with the other settings: a phase, nothing when unset, a clear error otherwise', () => {
    expect(config().importHoldAt).toBeUndefined();
    expect(config({ REVCYCLE_IMPORT_HOLD_AT: 'after-swap' }).importHoldAt).toBe('after-swap');
    expect(() => config({ REVCYCLE_IMPORT_HOLD_AT: 'after-swapp' })).toThrow(ConfigError);
    expect(() => config({ REVCYCLE_IMPORT_HOLD_AT: 'after-swapp' })).toThrow(
      'REVCYCLE_IMPORT_HOLD_AT must be one of read, merged, prepared, before-swap, after-swap, renamed, got "after-swapp"',
    );
  });
});

describe('REVCYCLE_BUILD_HOLD_AT (fault tests)', () => {
  it('is a build phase, nothing when unset, a clear error otherwise', () => {
    expect(config().buildHoldAt).toBeUndefined();
    expect(config({ REVCYCLE_BUILD_HOLD_AT: 'modelled' }).buildHoldAt).toBe('modelled');
    expect(() => config({ REVCYCLE_BUILD_HOLD_AT: 'renamed' })).toThrow(
      'REVCYCLE_BUILD_HOLD_AT must be one of loaded, modelled, tested, before-swap, got "renamed"',
    );
  });
});
