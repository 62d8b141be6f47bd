/**
 * Keeps one warning nobody can act on off the screen (internal to deps/; imported first by
 * deps/vega.ts, which restores the setting once Vega is loaded).
 *
 * vega-loader 4 loads node-fetch 2, whose whatwg-url requires Node's deprecated `punycode`
 * module: Deno's Node layer then prints `[DEP0040] DeprecationWarning: The punycode module is
 * deprecated` on every task that draws a chart. Deprecation warnings are muted only while Vega's
 * modules are evaluated (`process.noDeprecation`); any other deprecation still prints.
 * @module
 */
import process from "node:process";

/** The value of `process.noDeprecation` before Vega loaded, restored by deps/vega.ts. */
export const NO_DEPRECATION_BEFORE: boolean = process.noDeprecation === true;

process.noDeprecation = true;
