/**
 * Strict objects in user-written JSON: every key of an object must be one the schema declares, so
 * a misspelt field (`"color"`, `"video_rule"`) is an error instead of silently leaving the default
 * in force. The error names the file, the key with its path and the nearest valid key, found by
 * edit distance after folding case, `_`/`-` and British/American spellings.
 * @module
 */

/**
 * The keys a schema allows, declared once beside its type as a record of `true`:
 * `const KEYS: KeySet<FaceSidecar> = { schema: true, videos: true }` — the compiler then insists
 * that every field of the type is listed and nothing else.
 */
export type KeySet<T> = { readonly [K in keyof T]-?: true };

/** Options for {@link checkKeys}. */
export interface CheckKeysOptions {
  /** What the file is, lower case, for the message, e.g. `detector spec`. */
  what: string;
  /** The file (or other source) named in the message. */
  source: string;
  /** Where the object sits in the document, e.g. `input` or `sources[2]`; `""` for the root. */
  path: string;
  /** Extra words after the key, e.g. `for crop kind "square"`. */
  context?: string;
  /** Builds the thrown error from its message. Default: a plain `Error`. */
  error?: (message: string) => Error;
}

/**
 * Throws (through `options.error`) for the first key of `value` that `allowed` does not list:
 * `Unknown key "color" in detector spec "my.json" at input.color: did you mean "colour"?`, or,
 * when no valid key is near, `...: valid keys are "layout", "size", ...`. Keys are checked in the
 * order the object holds them. `value` must already be known to be an object.
 */
export function checkKeys(
  value: Record<string, unknown>,
  allowed: Readonly<Record<string, true>>,
  options: CheckKeysOptions,
): void {
  const [message] = unknownKeyMessages(value, allowed, options);
  if (message === undefined) return;
  throw options.error ? options.error(message) : new Error(message);
}

/**
 * One message per key of `value` that `allowed` does not list, in the object's order, worded as
 * {@link checkKeys} words the first (`options.error` is not used); empty when all are valid. For
 * a validator that reports every problem of a file at once. Never throws.
 */
export function unknownKeyMessages(
  value: Record<string, unknown>,
  allowed: Readonly<Record<string, true>>,
  options: CheckKeysOptions,
): string[] {
  const valid = Object.keys(allowed);
  const messages: string[] = [];
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(allowed, key)) continue;
    const at = options.path === "" ? key : `${options.path}.${key}`;
    const context = options.context ? ` ${options.context}` : "";
    const near = nearestKey(key, valid);
    const hint = near !== undefined
      ? `did you mean "${near}"?`
      : `valid keys are ${valid.map((k) => `"${k}"`).join(", ")}`;
    messages.push(
      `Unknown key "${key}"${context} in ${options.what} "${options.source}" at ${at}: ${hint}`,
    );
  }
  return messages;
}

/**
 * The valid key a misspelt `key` most likely meant, or undefined when none is near. Keys are
 * compared after folding case, `_`, `-` and spaces and British spellings to American ones
 * (`video_rule` = `videoRule`, `color` = `colour`); otherwise the candidate with the smallest
 * edit distance (insertions, deletions, substitutions and swaps of neighbours) wins when the
 * distance is at most 2 and at most a third of the longer key (first in `valid` on a tie).
 */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
  const folded = fold(key);
  const same = valid.find((k) => fold(k) === folded);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const other = fold(candidate);
    const distance = editDistance(folded, other);
    const limit = Math.min(2, Math.floor(Math.max(folded.length, other.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// Spelling variants folded together, British to American; both sides are folded the same way,
// so a rule only ever makes two spellings equal.
const SPELLINGS: readonly [RegExp, string][] = [
  [/our/g, "or"], // colour, behaviour
  [/is(e|ed|ing|ation)/g, "iz$1"], // normalise, normalisation
  [/ys(e|ed|ing)/g, "yz$1"], // analyse
  [/tre(s?)$/g, "ter$1"], // centre
  [/grey/g, "gray"],
];

function fold(key: string): string {
  let text = key.toLowerCase().replace(/[\s_-]+/g, "");
  for (const [pattern, replacement] of SPELLINGS) text = text.replace(pattern, replacement);
  return text;
}

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring).
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i][0] = i;
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}
