/**
 * Text made inert in Markdown, for every Markdown that dfrobust builds (Table I and its details,
 * the slice, comparison and decision tables, the notebooks' notes and tables, the left-out
 * table): one rule for data (video ids, paths, detector names, notes, error messages) and for
 * the numbers and words dfrobust writes itself, so the same text reads the same in every table
 * (`<0.001`, `[0.700, 0.900]`). Markdown renderers (nbconvert's, GitHub's, JupyterLab's) pass
 * raw HTML through, so a video id such as `<img src=x onerror=...>` would otherwise run script in
 * the reader's browser; link syntax would make a `javascript:` link. Only what could start
 * markup is escaped, so plain text stays plain in a terminal.
 * @module
 */

/**
 * `text` as inert Markdown inline text on one line, escaping only what could start markup:
 * `<` before a letter, `/`, `!` or `?` (an HTML tag, comment or autolink) as `&lt;`, and `&`
 * before a letter or `#` (an entity) as `&amp;`; `>` at the start (a block quote) as `&gt;`;
 * `]` before `(`, `[` or `:` (every link, image and link definition form) as `\]`; `\`, `|`
 * (a table cell break) and backticks (a code span) with a backslash; line breaks as spaces (no
 * new block can start). `<0.001`, `a > b` and `[0.7, 0.9]` stay as they are. Renders as the text
 * itself.
 *
 * @example
 * ```ts
 * import { markdownText } from "./markdown.ts";
 * const md = markdownText("<img src=x onerror=alert(1)> | [a](javascript:x) p<0.001 [0, 1]");
 * const want = "&lt;img src=x onerror=alert(1)> \\| [a\\](javascript:x) p<0.001 [0, 1]";
 * if (md !== want) throw new Error(md);
 * ```
 */
export function markdownText(text: string): string {
  // \x60 is the backtick (written so, tools that read this file see no open template string).
  return text
    .replace(/[\\|\x60]/g, (c) => `\\${c}`)
    .replace(/[\r\n]/g, " ")
    .replace(/&(?=[A-Za-z#])/g, "&amp;")
    .replace(/<(?=[A-Za-z/!?])/g, "&lt;")
    .replace(/^(\s*)>/, "$1&gt;")
    .replace(/\](?=[(\[:])/g, "\\]");
}
