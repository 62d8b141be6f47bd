/**
 * A file path (or URL) in the HTML report as `<code>`, breakable only after its separators
 * (`/`, `\`) so that a long store path wraps between folder names, never inside one (a single
 * name longer than the line still wraps: `code { overflow-wrap: anywhere }` in the report's
 * style).
 * @module
 */
import { type Html, joinHtml, safeHtml } from "../util/html.ts";

/** `path` as `<code>` with a `<wbr>` after each `/` and `\`; the text itself is escaped. */
export function pathHtml(path: string): Html {
  const parts = path.split(/(?<=[/\\])/);
  return safeHtml`<code>${joinHtml(parts, "<wbr>")}</code>`;
}
