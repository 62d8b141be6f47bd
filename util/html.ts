/**
 * HTML built with an auto-escaping tagged template: every interpolated value is escaped
 * unless it is already {@link Html} (another `safeHtml` template, or markup marked with
 * {@link raw}), so that text from a store, a manifest or a file name can never become markup.
 * (The tag is not called `html` because `deno fmt` re-indents templates with that tag, which
 * would change the bytes of the markup.)
 *
 * ```ts
 * import { raw, safeHtml } from "./html.ts";
 * const cell = safeHtml`<td title="${'say "hi"'}">${"a < b"}</td>${raw("<!-- ok -->")}`;
 * if (String(cell) !== '<td title="say &quot;hi&quot;">a &lt; b</td><!-- ok -->') {
 *   throw new Error(String(cell));
 * }
 * ```
 * @module
 */

/** Markup that is safe to insert as it is: what {@link safeHtml} and {@link raw} return. */
export class Html {
  /** The markup. */
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  /** The markup, so that `String(h)` and template literals give the text. */
  toString(): string {
    return this.text;
  }
}

/**
 * What {@link safeHtml} interpolates: text and numbers (escaped), {@link Html} (as it is), arrays
 * of these (concatenated), and null, undefined or false (nothing).
 */
export type HtmlValue = string | number | Html | null | undefined | false | readonly HtmlValue[];

/**
 * Tagged template that escapes every interpolated value (see {@link escapeHtml}) except
 * {@link Html}; the literal parts are trusted markup. Arrays are concatenated without a
 * separator ({@link joinHtml} for one); null, undefined and false give nothing.
 */
export function safeHtml(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let text = strings[0];
  for (let i = 0; i < values.length; i++) text += toMarkup(values[i]) + strings[i + 1];
  return new Html(text);
}

/**
 * Marks `markup` as safe HTML, inserted unescaped by {@link safeHtml}: for markup made by a trusted
 * renderer (an inline SVG, a script body, a table from `tableHtml`). Never pass user text.
 */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** The parts joined by `separator` (literal markup, e.g. `"\n"`). */
export function joinHtml(parts: readonly HtmlValue[], separator = ""): Html {
  return new Html(parts.map(toMarkup).join(separator));
}

/** Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

function toMarkup(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(toMarkup).join("");
  return escapeHtml(String(value));
}
