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

/** Formats seconds as `12.3s` or `4m05s`; `?` when unknown. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m}m${String(s).padStart(2, "0")}s`;
}

function safeColumns(): number {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return 100;
  }
}
