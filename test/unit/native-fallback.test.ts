/*
 * Each of the four stand-ins of server/cube/native-fallback.ts on its own.
 * Where Cube's native module is installed, the test checks the opposite:
 * that none of them engaged.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { detectNative, prepareCubeRuntime, SQL_API_UNAVAILABLE } from '../../server/cube/native-fallback';
import { getFinalQueryResult, getFinalQueryResultMulti } from '../../server/cube/result-format';

const require = createRequire(import.meta.url);
const runtime = prepareCubeRuntime();
const native = require('@cubejs-backend/native');
const { ApiGateway } = require('@cubejs-backend/api-gateway');

describe('native module detection', () => {
  it('reports the same as loading the module directly', () => {
    let loads = true;
    try {
      native.loadNative();
    } catch {
      loads = false;
    }
    expect(detectNative().native).toBe(loads);
    expect(runtime.native).toBe(loads);
  });
});

describe.runIf(!runtime.native)('stand-ins without the native module', () => {
  it('1. the SQL API answers 501 with a clear message', async () => {
    const sqlServer = ApiGateway.prototype.createSQLServerInstance.call({}, {});
    await expect(sqlServer.execSql('select 1')).rejects.toMatchObject({ status: 501, message: SQL_API_UNAVAILABLE });
    await expect(sqlServer.sql4sql('select 1')).rejects.toMatchObject({ status: 501 });
    await expect(sqlServer.init({})).resolves.toBeUndefined();
  });
  it('2. the Jinja engine accepts no templates', () => {
    const engine = new native.NativeInstance().newJinjaEngine({});
    expect(() => engine.loadTemplate('x.yml.jinja', '{{ 1 }}')).toThrow(/Jinja templates .* need Cube's native module/);
  });
  it('3. the legacy JS SQL planner is selected', () => {
    expect(process.env.CUBEJS_TESSERACT_SQL_PLANNER).toBe('false');
  });
  it('4. result shaping is the JavaScript implementation', async () => {
    expect(native.getFinalQueryResult).toBe(getFinalQueryResult);
    expect(native.getFinalQueryResultMulti).toBe(getFinalQueryResultMulti);
    const wrapper = new native.ResultWrapper([{ t__n: '1' }]);
    wrapper.setTransformData({
      aliasToMemberNameMap: { t__n: 't.n' },
      annotation: { 't.n': { type: 'number' } },
      query: { measures: ['t.n'] },
      queryType: 'regularQuery',
      resType: 'default',
    });
    wrapper.setRootResultObject({ query: { measures: ['t.n'] }, annotation: { measures: {} }, slowQuery: false });
    const out = JSON.parse(Buffer.from(await wrapper.getFinalResult()).toString());
    expect(out.data).toEqual([{ 't.n': '1' }]);
  });
});

describe.runIf(runtime.native)('with the native module', () => {
  it('leaves Cube as shipped', () => {
    expect(native.getFinalQueryResult).not.toBe(getFinalQueryResult);
  });
});
