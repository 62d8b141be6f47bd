/**
 * Headless rendering of Vega-Lite specs to SVG text (vega's "none" renderer, no browser, no
 * canvas): the static form of every chart in the HTML report and the notebooks.
 * @module
 */
import { vega } from "../deps/vega.ts";
import { compile } from "../deps/vega.ts";

/**
 * Compiles a Vega-Lite spec and renders it to an SVG string (`<svg ...>...</svg>`).
 * Throws when the spec does not compile (the message comes from vega-lite).
 */
export async function renderSvg(spec: object): Promise<string> {
  // deno-lint-ignore no-explicit-any
  const compiled = compile(spec as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
