// deno-lint-ignore-file no-import-prefix -- the seam's purpose: full npm: specifiers travel with the module
/**
 * The one seam to Vega, Vega-Lite and vega-embed: the Node builds render charts headless; the
 * browser builds (`build/*.min.js` beside each entry point) are inlined in the HTML report.
 * @module
 */
import process from "node:process";
import { NO_DEPRECATION_BEFORE } from "./_vega_punycode.ts";
// Order matters without a lock file (a notebook outside the repo): a kernel or REPL resolves npm
// packages in the order it meets them, so vega and vega-lite come first and vega-embed's peers
// (and vega-themes' under it) reuse these pins; imported first, vega-embed would pull
// vega-lite@latest (6.x) and vega 5.33.1 with a multi-line peer-dependency warning.
export * as vega from "npm:vega@5.33.0";
export { compile } from "npm:vega-lite@5.23.0";
import "npm:vega-embed@6.29.0";

process.noDeprecation = NO_DEPRECATION_BEFORE;

/** File URLs of the three packages' entry points (their `build/` folders hold the browser builds). */
export const VEGA_ENTRY_URLS: { vega: string; vegaLite: string; vegaEmbed: string } = {
  vega: import.meta.resolve("npm:vega@5.33.0"),
  vegaLite: import.meta.resolve("npm:vega-lite@5.23.0"),
  vegaEmbed: import.meta.resolve("npm:vega-embed@6.29.0"),
};
