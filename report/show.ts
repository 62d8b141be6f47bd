/**
 * The one output helper of the notebooks: turns a value into a Jupyter MIME bundle and displays
 * it on the Deno kernel; outside the kernel (tests, scripts) it prints the text form instead.
 * Charts go out as ONE bundle `{vegalite v5, image/svg+xml, text/plain}` so that JupyterLab draws
 * the interactive chart and nbconvert's HTML (which cannot draw Vega-Lite) the SVG.
 * @module
 */
import { renderSvg } from "./svg.ts";

/** A Jupyter MIME bundle: MIME type -> data (strings, or JSON for `*+json` types). */
export type MimeBundle = Record<string, unknown>;

/** What {@link show} accepts. */
export type Showable =
  | string
  | { $schema: string }
  | { markdown: string; html?: string; text?: string }
  | { html: string; text?: string }
  | { png: Uint8Array; alt?: string };

/** Options for {@link show}. */
export interface ShowOptions {
  /**
   * Milliseconds to wait after displaying. The kernel, run headless, sometimes reports idle
   * before its last output reaches the client and the output is lost (NOTES.md). 25 ms was
   * enough on an idle machine, but a 0.1 MB frame strip was lost once with the test suite's
   * three workers on two cores: default 100 ms plus 1 ms per 4 KB of the bundle.
   */
  settleMs?: number;
}

/**
 * Builds the MIME bundle for `value`: a string is `text/plain`; a Vega-Lite spec (`$schema`
 * naming vega-lite) becomes Vega-Lite v5 JSON plus its SVG and a text line; `{markdown}` and
 * `{html}` carry their text form too; `{png}` is `image/png` as base64. Throws on anything else.
 */
export async function mimeBundle(value: Showable): Promise<MimeBundle> {
  if (typeof value === "string") return { "text/plain": value };
  if ("$schema" in value && /vega-lite/.test(String(value.$schema))) {
    const spec = value as Record<string, unknown>;
    const title = typeof spec.title === "string" ? spec.title : "chart";
    return {
      "application/vnd.vegalite.v5+json": spec,
      "image/svg+xml": await renderSvg(spec),
      "text/plain": `<Vega-Lite chart: ${title}>`,
    };
  }
  if ("markdown" in value) {
    return {
      "text/markdown": value.markdown,
      ...(value.html ? { "text/html": value.html } : {}),
      "text/plain": value.text ?? value.markdown,
    };
  }
  if ("html" in value) {
    return { "text/html": value.html, "text/plain": value.text ?? "<HTML output>" };
  }
  if ("png" in value && value.png instanceof Uint8Array) {
    return {
      "image/png": encodeBase64(value.png),
      "text/plain": value.alt ?? `<PNG image, ${value.png.byteLength} bytes>`,
    };
  }
  throw new TypeError(`show(): cannot display ${Object.keys(value).join(", ") || typeof value}`);
}

/**
 * Displays `value` in the notebook (awaiting the kernel, then a short settle wait). Outside the
 * Deno Jupyter kernel it prints the bundle's `text/plain` with `console.log` instead, so
 * notebook code runs unchanged in scripts and tests. Resolves to nothing, so that a cell ending
 * in `await show(...)` has no second output (its value).
 */
export async function show(value: Showable, options: ShowOptions = {}): Promise<void> {
  const bundle = await mimeBundle(value);
  const jupyter = kernel();
  if (!jupyter) {
    console.log(String(bundle["text/plain"]));
    return;
  }
  await jupyter.display(bundle, { raw: true });
  const settle = options.settleMs ?? 100 + Math.ceil(JSON.stringify(bundle).length / 4096);
  await new Promise((resolve) => setTimeout(resolve, settle));
}

interface JupyterApi {
  display(bundle: MimeBundle, options: { raw: boolean }): Promise<void>;
}

function kernel(): JupyterApi | null {
  try {
    // Deno.jupyter only exists inside `deno jupyter --kernel`; elsewhere reading it throws.
    const api = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    return api && typeof api.display === "function" ? api : null;
  } catch {
    return null;
  }
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
