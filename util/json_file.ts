/**
 * Reading a JSON file with errors that name the file and say which step failed (reading,
 * decoding or parsing), in the calling module's own error class. The one reader of JSON files a
 * user may write or save with another tool: a UTF-8 byte-order mark (Windows editors write one)
 * is skipped, and a UTF-16/UTF-32 file or one that is not UTF-8 is refused with "save it as UTF-8"
 * rather than a parse error about an invisible character.
 * @module
 */
import { readRegularFile } from "./regular_file.ts";

/** Options for {@link readJsonFile}. */
export interface ReadJsonFileOptions {
  /**
   * What the file is, lower case, for the messages: `face sidecar` gives
   * `Cannot read face sidecar "<path>": ...` and `Face sidecar "<path>" is not valid JSON: ...`.
   */
  what: string;
  /** Builds the thrown error from its message. Default: a plain `Error`. */
  error?: (message: string) => Error;
  /** Resolve to undefined, instead of throwing, when the file does not exist. Default false. */
  allowMissing?: boolean;
}

/**
 * Reads and parses the JSON file at `path` (no validation of its contents). A leading UTF-8
 * byte-order mark is skipped. Throws (through `options.error`) when the file cannot be read (a
 * FIFO or device is refused before any read: util/regular_file.ts), is
 * not UTF-8 text (a UTF-16 or UTF-32 byte-order mark, NUL bytes, invalid UTF-8: the message says
 * to save it as UTF-8) or is not valid JSON.
 */
export async function readJsonFile(path: string, options: ReadJsonFileOptions): Promise<unknown> {
  const fail = options.error ?? ((message: string) => new Error(message));
  const what = options.what.charAt(0).toUpperCase() + options.what.slice(1);
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path);
  } catch (error) {
    if (options.allowMissing && error instanceof Deno.errors.NotFound) return undefined;
    throw fail(`Cannot read ${options.what} "${path}": ${(error as Error).message}`);
  }
  const text = decodeJsonText(bytes);
  if (typeof text !== "string") {
    throw fail(`${what} "${path}" ${text.problem}: save it as UTF-8 (without a byte-order mark)`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(`${what} "${path}" is not valid JSON: ${(error as Error).message}`);
  }
}

// The file's text, a UTF-8 byte-order mark skipped; `{problem}` for text in another encoding.
function decodeJsonText(bytes: Uint8Array): string | { problem: string } {
  const starts = (...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  const hex = (n: number) =>
    Array.from(bytes.subarray(0, n), (b) => b.toString(16).toUpperCase().padStart(2, "0"))
      .join(" ");
  // UTF-32 LE starts like UTF-16 LE: test the longer mark first.
  if (starts(0xFF, 0xFE, 0, 0) || starts(0, 0, 0xFE, 0xFF)) {
    return { problem: `is UTF-32 (byte-order mark ${hex(4)})` };
  }
  if (starts(0xFF, 0xFE) || starts(0xFE, 0xFF)) {
    return { problem: `is UTF-16 (byte-order mark ${hex(2)})` };
  }
  // JSON text never holds a raw NUL; UTF-16/32 without a mark is full of them.
  if (bytes.includes(0)) return { problem: "holds NUL bytes (UTF-16 or UTF-32 text?)" };
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { problem: "is not UTF-8 text" };
  }
}
