/**
 * The one seam to Polars (`nodejs-polars`, exactly 0.25.2: 0.26.x does not resolve under Deno).
 * Imported by full `npm:` specifier so the library works when imported from any folder.
 * @module
 */
export { default } from "npm:nodejs-polars@0.25.2";
