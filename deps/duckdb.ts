/**
 * The one seam to DuckDB (`@duckdb/node-api`, native binaries inside the npm package): an
 * independent reader of the results store, used by the tests to check that the store reads the
 * same outside Polars (docs/store.md, "DuckDB").
 * @module
 */
export * from "npm:@duckdb/node-api@1.5.6-r.1";
