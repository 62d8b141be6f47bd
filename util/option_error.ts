/**
 * The one error type for a caller's mistake in the options of a call: an unknown name (an
 * operation, a format, a metric, a run), a value out of range, options that exclude each other,
 * an option missing that another needs. Library functions throw it for what was asked, before any
 * work; the task runner (util/cli.ts `runTask`) prints its message and exits 2, like a bad flag.
 * What goes wrong while working (a missing or damaged file, a failed decode) is another error
 * (exit 1). It is a RangeError, so callers that catch RangeError from option checks still do.
 * @module
 */

/**
 * A bad option of a library call (exit code 2 in a task). Subclasses name the kind
 * (`ShardError`, `UnknownOperationError`, `UsageError` for the command line itself, ...).
 *
 * @example
 * ```ts
 * import { OptionError } from "./option_error.ts";
 * const error = new OptionError(`--batch must be a positive integer, got "0"`);
 * error instanceof RangeError; // true
 * ```
 */
export class OptionError extends RangeError {
  override name = "OptionError";
}
