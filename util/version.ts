/**
 * The dfrobust version (deno.json `version`): part of every detector run id (a new release scores
 * again instead of reusing stored units) and recorded in every report's provenance.
 * @module
 */
import config from "../deno.json" with { type: "json" };

/** The dfrobust version from deno.json, e.g. `0.2.0`. */
export const DFROBUST_VERSION: string = config.version;
