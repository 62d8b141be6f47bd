/**
 * The embedded default, end to end: generate the demo test set, make the paper's 12 distorted
 * copies plus the unaltered one, score every copy with the bundled demo detector, and write the
 * report. Needs nothing but Deno and npm packages (ffmpeg.wasm when native ffmpeg is missing).
 * Every stage reuses what an earlier run left in the same folder.
 * @module
 */
import { join, resolve } from "node:path";
import { generateDemoDataset, recordedDemoOptions, resolveDemoOptions } from "./dataset.ts";
import { OptionError } from "../util/option_error.ts";
import { distortDataset } from "../artifacts/distort.ts";
import { DEMO, DEMO_MODEL_PATH } from "../detectors/demo.ts";
import { evaluate } from "../eval/evaluate.ts";
import { PAPER_OP_IDS } from "../ops/catalog.ts";
import { type BackendChoice, openFfmpeg } from "../media/ffmpeg.ts";
import { writeReport } from "../report/write_report.ts";
import { atomicWriteJson } from "../util/atomic.ts";
import { logLine } from "../util/progress.ts";
import type { LeftOutVideo } from "../store/left_out.ts";

/** Default output folder of `deno task demo`, relative to the working directory. */
export const DEFAULT_DEMO_DIR = "out/demo";

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** Output folder. Default {@link DEFAULT_DEMO_DIR}. */
  out?: string;
  /** ffmpeg backend. Default `auto` (native when installed, else ffmpeg.wasm). */
  backend?: BackendChoice;
  /**
   * Real clips of the generated test set (each with a self-blended fake twin), 1 or more. Default
   * 24: the README's demo (48 videos). Fewer make a quicker run of the same stages.
   */
  reals?: number;
  /** Frames per clip, 1 or more. Default 64 (eval samples up to 32 of them, evenly spaced). */
  frames?: number;
  /** Videos distorted in parallel (default: the distort stage's own). */
  jobs?: number;
  /**
   * Stops the run (util/interrupt.ts gives one for SIGINT/SIGTERM): ffmpeg children are killed,
   * nothing half-written is kept, and the run rejects with the signal's reason; a rerun resumes.
   */
  signal?: AbortSignal;
}

/** What {@link runDemo} wrote, as saved in `summary.json`. */
export interface DemoSummary {
  out: string;
  report: string;
  store: string;
  backend: string;
  ffmpegVersion: string;
  /** Video-level AUC of the unaltered copy. */
  cleanAuc: number | null;
  /** Operation id -> video-level AUC (the unaltered copy included). */
  auc: Record<string, number | null>;
  /** Operation id -> videos behind its AUC (the same videos in every column: paired). */
  n: Record<string, number>;
  /** Videos left out of an AUC, with the reason (none on the demo data). */
  leftOut: LeftOutVideo[];
  /** Wall seconds per stage and in all. */
  seconds: { dataset: number; distort: number; eval: number; report: number; total: number };
  /** Failed (video, operation) pairs in distort plus failure rows in eval. */
  failures: number;
}

/**
 * Runs the whole pipeline on the generated demo dataset and returns the summary.
 * @throws {OptionError} when `out` holds a demo generated with other `reals`/`frames` (its copies
 * and store would mix with the new ones): another `out`, or removing it, is the way out.
 */
export async function runDemo(options: RunDemoOptions = {}): Promise<DemoSummary> {
  const out = resolve(options.out ?? DEFAULT_DEMO_DIR);
  const size = { split: "test" as const, reals: options.reals, frames: options.frames };
  await refuseOtherDemo(out, size);
  const started = performance.now();
  const ffmpeg = await openFfmpeg(options.backend ?? "auto", { signal: options.signal });
  try {
    const build = await ffmpeg.build();
    logLine(`demo: ${out} (ffmpeg ${build.ffmpegVersion}, ${build.backend})`);

    let t = performance.now();
    logLine("demo 1/4: generating the demo test set");
    const dataset = await generateDemoDataset(join(out, "data"), { ...size, ffmpeg });
    const datasetSeconds = seconds(t);

    t = performance.now();
    logLine("demo 2/4: distorting (the paper's 12 operations + unaltered)");
    const distorted = await distortDataset(dataset.manifestPath, {
      out: join(out, "copies"),
      ops: "paper",
      ffmpeg,
      jobs: options.jobs,
      signal: options.signal,
    });
    const distortSeconds = seconds(t);

    t = performance.now();
    logLine("demo 3/4: scoring every copy with the bundled demo detector");
    const store = join(out, "store");
    const evaluated = await evaluate({
      spec: DEMO,
      modelPath: DEMO_MODEL_PATH,
      data: join(out, "copies"),
      store,
      faces: "sidecar",
      sidecar: dataset.facesPath,
      ffmpeg,
      signal: options.signal,
    });
    options.signal?.throwIfAborted();
    const evalSeconds = seconds(t);

    t = performance.now();
    logLine("demo 4/4: writing the report");
    const report = join(out, "report.html");
    const data = await writeReport(store, report, { dataDir: join(out, "copies") });
    const reportSeconds = seconds(t);

    // Table I order: unaltered, then the paper's operations by category.
    const auc: Record<string, number | null> = {};
    const n: Record<string, number> = {};
    for (const opId of PAPER_OP_IDS) {
      const cell = data.cells.find((c) => c.opId === opId);
      if (!cell) continue;
      auc[opId] = cell.auc;
      n[opId] = cell.positives + cell.negatives;
    }
    const summary: DemoSummary = {
      out,
      report,
      store,
      backend: build.backend,
      ffmpegVersion: build.ffmpegVersion,
      cleanAuc: auc["unaltered"] ?? null,
      auc,
      n,
      leftOut: data.leftOut ?? [],
      seconds: {
        dataset: datasetSeconds,
        distort: distortSeconds,
        eval: evalSeconds,
        report: reportSeconds,
        total: seconds(started),
      },
      failures: distorted.failures + evaluated.failures,
    };
    await atomicWriteJson(join(out, "summary.json"), summary);
    return summary;
  } finally {
    await ffmpeg.close();
  }
}

/** Throws when `out/data` was generated with other options than `size` (see {@link runDemo}). */
async function refuseOtherDemo(
  out: string,
  size: { split: "test"; reals?: number; frames?: number },
): Promise<void> {
  const recorded = await recordedDemoOptions(join(out, "data"));
  if (recorded === null) return;
  const wanted = resolveDemoOptions(size);
  const describe = (o: { reals: number; fakes: number; frames: number }) =>
    `${o.reals} real + ${o.fakes} fake clips of ${o.frames} frames`;
  if (recorded.reals !== wanted.reals || recorded.frames !== wanted.frames) {
    throw new OptionError(
      `${out} holds a demo of ${describe(recorded)}, not ${describe(wanted)}: its copies and ` +
        `store would mix with the new ones. Pass another --out, or remove that folder.`,
    );
  }
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100;
}
