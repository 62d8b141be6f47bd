/**
 * Progress reporting on stderr: a redrawn bar with ETA on a terminal, a line every few seconds
 * otherwise, nothing when `DFROBUST_QUIET=1` (tests set it).
 * @module
 */

/** Options for {@link Progress}. */
export interface ProgressOptions {
  /** Total number of units of work (videos x operations, frames, ...). */
  total: number;
  /** Short label shown before the bar. */
  label: string;
  /** Minimum milliseconds between non-terminal lines. Default 5000. */
  lineIntervalMs?: number;
}

const encoder = new TextEncoder();

/** True when progress output is switched off (`DFROBUST_QUIET=1`). */
export function isQuiet(): boolean {
  return Deno.env.get("DFROBUST_QUIET") === "1";
}

/** Writes one log line to stderr unless quiet. Results go to stdout; logs never do. */
export function logLine(message: string): void {
  if (!isQuiet()) Deno.stderr.writeSync(encoder.encode(message + "\n"));
}

/** A progress bar over a known number of units; call `tick()` per unit and `done()` at the end. */
export class Progress {
  #total: number;
  #label: string;
  #count = 0;
  #start = performance.now();
  #lastLine = 0;
  #interval: number;
  #tty = Deno.stderr.isTerminal();

  constructor(options: ProgressOptions) {
    this.#total = Math.max(0, options.total);
    this.#label = options.label;
    this.#interval = options.lineIntervalMs ?? 5000;
  }

  /** Marks `n` more units done (default 1), with an optional note such as the current file. */
  tick(n = 1, note = ""): void {
    this.#count = Math.min(this.#total, this.#count + n);
    this.#render(note, false);
  }

  /** Finishes the bar (prints the final state once). */
  done(note = ""): void {
    this.#render(note, true);
  }

  #render(note: string, final: boolean): void {
    if (isQuiet()) return;
    const now = performance.now();
    if (!this.#tty && !final && now - this.#lastLine < this.#interval) return;
    this.#lastLine = now;
    const elapsed = (now - this.#start) / 1000;
    const fraction = this.#total === 0 ? 1 : this.#count / this.#total;
    const eta = this.#count > 0 ? elapsed * (this.#total - this.#count) / this.#count : NaN;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const timing = final
      ? `${formatSeconds(elapsed)}`
      : `${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}`;
    const text = `${this.#label} [${bar}] ${this.#count}/${this.#total} ${timing}` +
      (note ? ` ${note}` : "");
    if (this.#tty) {
      const columns = safeColumns();
      const line = text.length > columns - 1 ? text.slice(0, columns - 1) : text;
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${line}${final ? "\n" : ""}`));
    } else {
      Deno.stderr.writeSync(encoder.encode(text + "\n"));
    }
  }
}

/**
 * Formats a duration in seconds as `12.3s` (under a minute, tenths), `4m05s` (under an hour, whole
 * seconds) or `2h03m` (whole minutes); `?` when not finite. The value is rounded once, to the unit
 * of the form it is printed in, before it is split, so no field reaches its limit (`59.97` gives
 * `1m00s`, never `60.0s`; `179.6` gives `3m00s`, never `2m60s`). Negative values print as 0.
 *
 * @example
 * ```ts
 * import { formatSeconds } from "./progress.ts";
 * formatSeconds(179.6); // "3m00s"
 * ```
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const value = Math.max(0, seconds);
  const tenths = Math.round(value * 10);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const whole = Math.round(value);
  if (whole < 3600) {
    return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
  }
  const minutes = Math.round(value / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

function safeColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 100;
  }
}
