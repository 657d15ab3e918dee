/*
 * Lets Cube 1.7 run in pure JavaScript where its Rust module
 * (@cubejs-backend/native) is absent, as on machines that reach only the npm
 * registry (the module's binary is downloaded from GitHub at install time).
 *
 * `prepareCubeRuntime()` looks for the native module first. When it loads,
 * nothing here engages and Cube runs as shipped. When it is missing, four
 * stand-ins are installed, one for each place Cube's REST path needs it
 * (README.md, "Optional: Cube's native module and Cube Store"):
 *   1. the SQL API server the ApiGateway builds in its constructor → a stand-in
 *      whose every entry point answers 501 "SQL API needs Cube's native module";
 *   2. the Jinja engine the schema compiler always creates → a stand-in that
 *      accepts nothing (plain YAML and JS models need no Jinja);
 *   3. the Tesseract SQL planner → CUBEJS_TESSERACT_SQL_PLANNER=false, Cube's
 *      legacy JS planner;
 *   4. the final REST result shaping (native getFinalQueryResult[Multi]) →
 *      ./result-format.ts, which reproduces Cube's REST format.
 * Limits: the SQL API (Postgres wire protocol and /v1/cubesql) and Jinja
 * models need the native module; install it as the README says to get them.
 */
import { createRequire } from 'node:module';
import { getFinalQueryResult, getFinalQueryResultMulti } from './result-format.js';

const require = createRequire(import.meta.url);

export const SQL_API_UNAVAILABLE =
  "SQL API needs Cube's native module (@cubejs-backend/native), which is not installed here. " +
  'Use the REST or GraphQL API, or install the native module (see README, "Optional: Cube native module").';

export interface CubeRuntime {
  native: boolean;
  /** Why the native module did not load, when it did not. */
  reason?: string;
}

let prepared: CubeRuntime | undefined;

export function detectNative(): CubeRuntime {
  try {
    require('@cubejs-backend/native').loadNative();
    return { native: true };
  } catch (e) {
    return { native: false, reason: (e as Error).message };
  }
}

type AnyFn = (...args: any[]) => any;

function sqlApiStandIn() {
  const { CubejsHandlerError } = require('@cubejs-backend/api-gateway');
  const unavailable = async () => {
    throw new CubejsHandlerError(501, 'Not Implemented', SQL_API_UNAVAILABLE);
  };
  return {
    init: async () => undefined,
    shutdown: async () => undefined,
    execSql: unavailable,
    sql4sql: unavailable,
    rest4sql: unavailable,
    getNativeGatewayPort: () => {
      throw new Error(SQL_API_UNAVAILABLE);
    },
    getSqlInterfaceInstance: () => {
      throw new Error(SQL_API_UNAVAILABLE);
    },
  };
}

function jinjaStandIn() {
  const refuse = () => {
    throw new Error("Jinja templates in the data model need Cube's native module; revcycle's model is plain YAML.");
  };
  return { loadTemplate: refuse, renderTemplate: refuse, clearTemplates: () => undefined };
}

/** Installs the stand-ins when the native module is missing. Idempotent. Call before Cube starts. */
export function prepareCubeRuntime(): CubeRuntime {
  if (prepared) return prepared;
  const runtime = detectNative();
  prepared = runtime;
  if (runtime.native) return runtime;

  const { ApiGateway } = require('@cubejs-backend/api-gateway');
  ApiGateway.prototype.createSQLServerInstance = sqlApiStandIn;

  const native = require('@cubejs-backend/native');
  native.NativeInstance.prototype.newJinjaEngine = jinjaStandIn;

  process.env.CUBEJS_TESSERACT_SQL_PLANNER = 'false';

  // Cube's wrappers call these through the module's exports object at call time.
  (native as Record<string, AnyFn>).getFinalQueryResult = getFinalQueryResult;
  (native as Record<string, AnyFn>).getFinalQueryResultMulti = getFinalQueryResultMulti;
  return runtime;
}
