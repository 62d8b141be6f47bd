/**
 * Text from data (video ids, paths, detector names, notes, error messages) made inert in
 * Markdown, for every Markdown that dfrobust builds (Table I as Markdown, the notebooks' notes
 * and tables, the left-out table). Markdown renderers (nbconvert's, GitHub's, JupyterLab's) pass
 * raw HTML through, so a video id such as `<img src=x onerror=...>` would otherwise run script in
 * the reader's browser; link syntax would make a `javascript:` link.
 * @module
 */

const MARKDOWN_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "\\": "\\\\",
  "[": "\\[",
  "]": "\\]",
  "|": "\\|",
  "\x60": "\\\x60",
  "\r": " ",
  "\n": " ",
};

/**
 * `text` as inert Markdown inline text on one line: HTML's `&`, `<` and `>` as entities; `\`,
 * `[`, `]`, `|` and backticks escaped with a backslash (no link, image, code span or table cell
 * break can start); line breaks as spaces (no new block can start). Renders as the text itself.
 *
 * @example
 * ```ts
 * import { markdownText } from "./markdown.ts";
 * const md = markdownText("<img src=x onerror=alert(1)> | [a](javascript:x)");
 * if (md !== "&lt;img src=x onerror=alert(1)&gt; \\| \\[a\\](javascript:x)") throw new Error(md);
 * ```
 */
export function markdownText(text: string): string {
  // \x60 is the backtick (written so, tools that read this file see no open template string).
  return text.replace(/[&<>\\[\]|\x60\r\n]/g, (c) => MARKDOWN_ESCAPES[c]);
}
