/**
 * Per-stage timers for an eval run (`evaluate({ timings: true })`, `deno task eval --json`):
 * where the wall time and the CPU time around the model go, cheap enough to leave on (two clock
 * reads per timed call, under a microsecond each) and a no-op when off. The clock is internal to
 * `eval/`; the report, {@link EvalTimings} in the run's summary, is public (mod.ts).
 *
 * What each stage's numbers mean (docs/benchmarks.md reads them):
 * - `hash`, `load`, `store`: wall time and the whole process's CPU time while the step runs
 *   (nothing else runs then: no video is in preparation, no batch in inference).
 * - `preprocess` (crop, resize, normalise into the input tensor): synchronous JavaScript, so its
 *   CPU time is the main thread's, exactly.
 * - `decode` (ffmpeg, one process per group of videos, eval/frame_groups.ts; probes too when the
 *   data has none), `locate` (face location: UltraFace's inference runs on onnxruntime's
 *   threads), `infer` (a batch from its start to its scores; with several detector sessions
 *   batches overlap) and `wait` (the main loop waiting for the next prepared video: the model
 *   starved): wall time only, summed over calls, which overlap (prefetch). ffmpeg's CPU time is
 *   {@link EvalTimings.ffmpegCpuMs}.
 * @module
 */
import type { Ffmpeg } from "../media/ffmpeg.ts";
import { childrenCpuMs, processCpuMs, threadCpuMs } from "../util/cpu_clock.ts";
import type { EvalParts } from "./parts.ts";

/** The timed stages, in pipeline order. */
export const EVAL_STAGES = [
  "hash",
  "load",
  "decode",
  "locate",
  "preprocess",
  "wait",
  "infer",
  "store",
] as const;

/** One of {@link EVAL_STAGES}. */
export type EvalStage = typeof EVAL_STAGES[number];

/** What one stage took, summed over its calls. */
export interface StageTime {
  calls: number;
  /** Wall-clock milliseconds (calls may overlap: the sum can exceed the run's wall time). */
  wallMs: number;
  /** CPU milliseconds where the stage's CPU can be told apart (see the module doc), else null. */
  cpuMs: number | null;
}

/** The timings of one eval run. */
export interface EvalTimings {
  stages: Record<EvalStage, StageTime>;
  /** Wall-clock milliseconds of `evaluate()`. */
  wallMs: number;
  /**
   * CPU milliseconds this process had used before `evaluate()` began: the runtime's start and
   * module loading when run from the CLI. Null where it cannot be read.
   */
  startCpuMs: number | null;
  /** CPU milliseconds of this process (every thread) during `evaluate()`. */
  processCpuMs: number | null;
  /** CPU milliseconds of the JavaScript main thread during `evaluate()`. */
  mainThreadCpuMs: number | null;
  /** CPU milliseconds of the ffmpeg/ffprobe processes that ended during `evaluate()`. */
  ffmpegCpuMs: number | null;
}

/** Starts and stops the stage timers of one run; every method is a pass-through when off. */
export interface EvalClock {
  /**
   * Starts timing `stage` (wall time, and with `cpu: "process"` the process's CPU time, for steps
   * that run alone); the returned function stops it.
   */
  start(stage: EvalStage, cpu?: "process"): () => void;
  /** Runs synchronous `work`, adding its wall and main-thread CPU time to `stage`. */
  run<T>(stage: EvalStage, work: () => T): T;
  /**
   * Awaits `work`, adding its wall time to `stage`, and with `cpu: "process"` the process's CPU
   * time (for steps that run alone).
   */
  wait<T>(stage: EvalStage, work: () => Promise<T>, cpu?: "process"): Promise<T>;
  /** Yields `items`, adding the time spent waiting for each to `stage`. */
  iterate<T>(stage: EvalStage, items: AsyncIterable<T>): AsyncIterable<T>;
  /** `parts` with preprocessing, face location and inference timed. */
  parts(parts: EvalParts): EvalParts;
  /** `ffmpeg` with its jobs and probes timed as `decode`. */
  ffmpeg(ffmpeg: Ffmpeg): Ffmpeg;
  /** The timings so far; null when off. */
  report(): EvalTimings | null;
}

/** An {@link EvalClock}: timing when `on`, a pass-through otherwise. */
export function evalClock(on: boolean): EvalClock {
  return on ? timingClock() : PASS_THROUGH;
}

const PASS_THROUGH: EvalClock = {
  start: () => () => {},
  run: (_stage, work) => work(),
  wait: (_stage, work) => work(),
  iterate: (_stage, items) => items,
  parts: (parts) => parts,
  ffmpeg: (ffmpeg) => ffmpeg,
  report: () => null,
};

function timingClock(): EvalClock {
  const started = performance.now();
  const process0 = processCpuMs();
  const thread0 = threadCpuMs();
  const children0 = childrenCpuMs();
  const stages = Object.fromEntries(
    EVAL_STAGES.map((stage) => [stage, { calls: 0, wallMs: 0, cpuMs: null }]),
  ) as Record<EvalStage, StageTime>;
  const add = (stage: EvalStage, wallMs: number, cpuMs: number | null) => {
    const time = stages[stage];
    time.calls++;
    time.wallMs += wallMs;
    if (cpuMs !== null && Number.isFinite(cpuMs)) time.cpuMs = (time.cpuMs ?? 0) + cpuMs;
  };
  const clock: EvalClock = {
    start(stage, cpu) {
      const wall = performance.now();
      const cpu0 = cpu ? processCpuMs() : NaN;
      return () => add(stage, performance.now() - wall, cpu ? processCpuMs() - cpu0 : null);
    },
    run(stage, work) {
      const wall = performance.now();
      const cpu = threadCpuMs();
      try {
        return work();
      } finally {
        add(stage, performance.now() - wall, threadCpuMs() - cpu);
      }
    },
    async wait(stage, work, cpu) {
      const stop = clock.start(stage, cpu);
      try {
        return await work();
      } finally {
        stop();
      }
    },
    async *iterate(stage, items) {
      const iterator = items[Symbol.asyncIterator]();
      try {
        while (true) {
          const wall = performance.now();
          const next = await iterator.next();
          add(stage, performance.now() - wall, null);
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await iterator.return?.();
      }
    },
    parts(parts) {
      return {
        ...parts,
        locatorFor(copy) {
          const locator = parts.locatorFor(copy);
          return {
            ...locator,
            mode: locator.mode,
            locate: (...args) => clock.wait("locate", () => locator.locate(...args)),
            release: () => locator.release(),
          };
        },
        preprocess: (...args) => clock.run("preprocess", () => parts.preprocess(...args)),
        preprocessClip: (...args) => clock.run("preprocess", () => parts.preprocessClip(...args)),
        score: (...args) => clock.wait("infer", () => parts.score(...args)),
      };
    },
    ffmpeg(ffmpeg) {
      return {
        backend: ffmpeg.backend,
        build: () => ffmpeg.build(),
        run: (job) => clock.wait("decode", () => ffmpeg.run(job)),
        probe: (path, options) => clock.wait("decode", () => ffmpeg.probe(path, options)),
        close: () => ffmpeg.close(),
      };
    },
    report() {
      const finite = (value: number) => (Number.isFinite(value) ? value : null);
      return {
        stages: structuredClone(stages),
        wallMs: performance.now() - started,
        startCpuMs: finite(process0),
        processCpuMs: finite(processCpuMs() - process0),
        mainThreadCpuMs: finite(threadCpuMs() - thread0),
        ffmpegCpuMs: finite(childrenCpuMs() - children0),
      };
    },
  };
  return clock;
}
