/**
 * SIGINT and SIGTERM as an AbortSignal: the one place where a run hears that it must stop
 * (Ctrl-C, Slurm's `scancel`, a Kubernetes pod stop). Tasks pass the signal down; what runs under
 * it stops its children (media/ffmpeg_native.ts kills ffmpeg), removes its temporary files and
 * writes nothing half-done, and the task exits with 128 + the signal's number (130, 143). A
 * second signal exits at once, unless it comes within {@link REPEAT_WINDOW_MS} of the first: one
 * stop request often arrives twice (`deno task` forwards the signal to its child, which a
 * terminal's Ctrl-C reaches too; measured here: two SIGINTs 1 ms apart in about one run in four),
 * and quitting then would skip the cleanup.
 * @module
 */
import { logLine } from "./progress.ts";

/** The signals a run stops on, with the exit code a shell gives a process they end. */
export const STOP_SIGNALS: Readonly<Record<"SIGINT" | "SIGTERM", number>> = {
  SIGINT: 130,
  SIGTERM: 143,
};

/** The abort reason of {@link interruptSignal}: which signal stopped the run. */
export class Interrupted extends Error {
  override name = "Interrupted";
  /** `SIGINT` or `SIGTERM`. */
  readonly signal: keyof typeof STOP_SIGNALS;
  /** 130 for SIGINT, 143 for SIGTERM. */
  readonly exitCode: number;

  /** `signal` is the signal that was received. */
  constructor(signal: keyof typeof STOP_SIGNALS) {
    super(`interrupted by ${signal}`);
    this.signal = signal;
    this.exitCode = STOP_SIGNALS[signal];
  }
}

/** Milliseconds after the first signal during which another is taken as the same request. */
export const REPEAT_WINDOW_MS = 1000;

let controller: AbortController | undefined;

/**
 * An AbortSignal that aborts, with an {@link Interrupted} reason, on the first SIGINT or SIGTERM
 * this process receives; a later one (after {@link REPEAT_WINDOW_MS}) exits at once with its
 * code. Installs the listeners on
 * the first call (one controller per process); where a signal cannot be listened to (SIGTERM on
 * Windows) it is skipped.
 */
export function interruptSignal(): AbortSignal {
  if (controller) return controller.signal;
  const own = new AbortController();
  controller = own;
  let first = 0;
  for (const name of Object.keys(STOP_SIGNALS) as (keyof typeof STOP_SIGNALS)[]) {
    try {
      Deno.addSignalListener(name, () => {
        if (own.signal.aborted) {
          if (performance.now() - first > REPEAT_WINDOW_MS) Deno.exit(STOP_SIGNALS[name]);
          return;
        }
        first = performance.now();
        logLine(`${name}: stopping (again to quit at once)`);
        own.abort(new Interrupted(name));
      });
    } catch {
      // Not every platform lets a process listen to every signal.
    }
  }
  return own.signal;
}

/** The exit code for an error that is (or an abort signal whose reason is) an interruption. */
export function interruptExitCode(reason: unknown): number | null {
  return reason instanceof Interrupted ? reason.exitCode : null;
}
