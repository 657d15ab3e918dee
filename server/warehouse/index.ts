/*
 * The warehouse build's public interface: build (with data tests and an
 * atomic swap), staleness check, and the pieces for tools and tests.
 */
export {
  buildWarehouse,
  formatBuildSummary,
  isWarehouseStale,
  WarehouseBuildError,
  DEFAULT_MODELS_DIR,
  DEFAULT_TIME_ZONE,
  type BuildOptions,
  type BuildSummary,
} from './build.js';
export { loadSeeds, findSeedFile, SeedError, type LoadedTable, type LoadSeedsResult, type RejectedRow } from './load-seeds.js';
export {
  runModels,
  discoverModels,
  orderModels,
  findReferences,
  setSearchPath,
  ModelError,
  SEARCH_PATH,
  type Model,
  type BuiltModel,
  type TsModelModule,
  type ModelContext,
  type ModelSchema,
  SQL_VARIABLES,
} from './run-models.js';
export { type Columns, type RowOf, type TableColumnType } from './write-table.js';
export { writeTable } from './target.js';
export {
  runDataTests,
  collectTests,
  formatFailures,
  DataTestSpecError,
  type DataTest,
  type DataTestResult,
} from './data-tests.js';
export { SEED_TABLES, seedTable, checkValue, type SeedTable, type SeedColumn, type ColumnType } from './seed-schema.js';
