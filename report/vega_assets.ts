/**
 * The browser builds of vega, vega-lite and vega-embed, read from the installed npm packages so
 * the HTML report can inline them and work offline (no CDN).
 * @module
 */
import { VEGA_ENTRY_URLS } from "../deps/vega.ts";

/** The three browser scripts, in load order. */
export interface VegaAssets {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
}

let cached: Promise<VegaAssets | null> | undefined;

/**
 * Reads the minified browser builds (`build/*.min.js`) of vega, vega-lite and vega-embed.
 * Each build lies beside its package's entry point, whose file URL the seam (deps/vega.ts) resolves
 * wherever Deno keeps npm packages. Resolves to null, never throws,
 * when a build cannot be found: the report then has static SVG charts only.
 */
export function loadVegaAssets(): Promise<VegaAssets | null> {
  cached ??= readAssets();
  return cached;
}

async function readAssets(): Promise<VegaAssets | null> {
  try {
    const [vega, vegaLite, vegaEmbed] = await Promise.all([
      readBuild(VEGA_ENTRY_URLS.vega, "vega.min.js"),
      readBuild(VEGA_ENTRY_URLS.vegaLite, "vega-lite.min.js"),
      readBuild(VEGA_ENTRY_URLS.vegaEmbed, "vega-embed.min.js"),
    ]);
    return { vega, vegaLite, vegaEmbed };
  } catch {
    return null;
  }
}

async function readBuild(entry: string, file: string): Promise<string> {
  // Each package's entry point lives in its build/ folder beside the browser builds.
  if (!entry.startsWith("file:")) throw new Error(`${entry} is not a file URL`);
  return await Deno.readTextFile(new URL(file, entry));
}
