/**
 * Reading a JSON file with errors that name the file and say which step failed (reading or
 * parsing), in the calling module's own error class.
 * @module
 */

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
 * Reads and parses the JSON file at `path` (no validation of its contents). Throws (through
 * `options.error`) when the file cannot be read or is not valid JSON.
 */
export async function readJsonFile(path: string, options: ReadJsonFileOptions): Promise<unknown> {
  const fail = options.error ?? ((message: string) => new Error(message));
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (options.allowMissing && error instanceof Deno.errors.NotFound) return undefined;
    throw fail(`Cannot read ${options.what} "${path}": ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const what = options.what.charAt(0).toUpperCase() + options.what.slice(1);
    throw fail(`${what} "${path}" is not valid JSON: ${(error as Error).message}`);
  }
}
