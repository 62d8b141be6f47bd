/**
 * The browser builds of vega, vega-lite and vega-embed, read from the installed npm packages so
 * the HTML report can inline them and work offline (no CDN).
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The three browser scripts, in load order. */
export interface VegaAssets {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
}

let cached: Promise<VegaAssets | null> | undefined;

/**
 * Reads the minified browser builds (`build/*.min.js`) of vega, vega-lite and vega-embed.
 * The package folders are found through the module resolver (`import.meta.resolve`), which
 * works from a fresh clone once Deno has installed node_modules. Resolves to null, never throws,
 * when a build cannot be found: the report then has static SVG charts only.
 */
export function loadVegaAssets(): Promise<VegaAssets | null> {
  cached ??= readAssets();
  return cached;
}

async function readAssets(): Promise<VegaAssets | null> {
  try {
    const [vega, vegaLite, vegaEmbed] = await Promise.all([
      readBuild("vega", "vega.min.js"),
      readBuild("vega-lite", "vega-lite.min.js"),
      readBuild("vega-embed", "vega-embed.min.js"),
    ]);
    return { vega, vegaLite, vegaEmbed };
  } catch {
    return null;
  }
}

async function readBuild(pkg: string, file: string): Promise<string> {
  // Each package's entry point lives in its build/ folder beside the browser builds.
  const entry = import.meta.resolve(pkg);
  if (!entry.startsWith("file:")) throw new Error(`${pkg} resolved to ${entry}, not a file`);
  return await Deno.readTextFile(join(dirname(fileURLToPath(entry)), file));
}
