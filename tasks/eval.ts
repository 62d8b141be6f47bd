/**
 * `deno task eval`: score every sampled frame and face of every copy of a test set with an ONNX
 * detector and store the per-face scores. Progress on stderr; the summary (clean and
 * per-operation video-level AUC with the number of videos behind each, row counts, failures, and
 * every video left out of an AUC with its reason) on stdout, or as JSON with `--json`.
 *
 * Exit status: 0 when the run completed, even if some videos failed (failures are rows in the
 * store, counted in the summary); 1 when the run itself failed (model does not fit the spec, no
 * copy found, store not writable); 2 for a usage error; 130/143 when stopped by SIGINT/SIGTERM
 * (finished copies are stored; rerun to resume).
 * @module
 */
import { loadDetectorSpec } from "../detectors/load.ts";
import { faceModelFor } from "../eval/face_model.ts";
import { FaceModelError } from "../faces/ultraface.ts";
import { type EvalSummary, evaluate, FACE_MODES, type FaceMode } from "../eval/evaluate.ts";
import { type CommandSpec, integerFlag, requireString, runTask, UsageError } from "../util/cli.ts";
import { interruptExitCode, interruptSignal } from "../util/interrupt.ts";
import { formatSeconds } from "../util/progress.ts";
import { DAMAGED_VIDEO } from "../eval/copy_check.ts";
import { UNALTERED_ID } from "../ops/unaltered.ts";
import { isFailureStatus } from "../store/status.ts";
import { limitFlag, limitOptions } from "./_limit_flag.ts";
import { shardFlags, shardOptions } from "./_shard_flags.ts";

const SPEC: CommandSpec = {
  name: "eval",
  summary:
    "Score every sampled frame and face of every copy (a distort output folder or a dataset .csv) " +
    "with an ONNX detector and write per-face scores to a Parquet results store. A rerun resumes: " +
    "copies already in the store are skipped unless --force.",
  flags: {
    detector: {
      type: "string",
      description: "Detector preset (xception, capsule, sbi, mesonet, ...) or a spec .json file.",
      valueName: "<preset|spec.json>",
    },
    model: {
      type: "string",
      description: "ONNX model file (default: the spec's modelPath).",
      valueName: "<model.onnx>",
    },
    "train-set": {
      type: "string",
      description: "What the model was trained on, stored as train_set (default: the spec's).",
      valueName: "<label>",
    },
    data: {
      type: "string",
      description: "A distort output folder (copies with manifest.json) or a dataset .csv.",
      valueName: "<dir|dataset.csv>",
    },
    store: { type: "string", description: "Results store folder.", valueName: "<dir>" },
    faces: {
      type: "string",
      description: `Face mode: ${FACE_MODES.join(", ")}.`,
      default: "ultraface",
      valueName: "<mode>",
    },
    "face-model": {
      type: "string",
      description: "UltraFace ONNX model (version-RFB-320.onnx from " +
        "github.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB, models/onnx/) for the " +
        "ultraface/reference modes; default: the file named by $DFROBUST_FACE_MODEL.",
      valueName: "<model.onnx>",
    },
    sidecar: {
      type: "string",
      description: "Face boxes file (schema dfrobust.faces/1) for --faces sidecar.",
      valueName: "<faces.json>",
    },
    frames: {
      type: "string",
      description: "Evenly spaced frames sampled per video (default: the spec's, else 32).",
      valueName: "<n>",
    },
    batch: { type: "string", description: "Faces per inference batch.", default: "8" },
    threads: {
      type: "string",
      description:
        "onnxruntime intra-op threads of the detector in all, shared out among its sessions (UltraFace uses one).",
      valueName: "<n>",
    },
    sessions: {
      type: "string",
      description:
        "Detector sessions, each scoring its own batch with its share of --threads (inter-batch parallelism). Default: 2 on cpu (1 with one thread), 1 on cuda.",
      valueName: "<n>",
    },
    device: { type: "string", description: "cpu or cuda.", default: "cpu", valueName: "<dev>" },
    prefetch: {
      type: "string",
      description: "Videos decoded and prepared ahead of the one being scored (0 = no overlap).",
      default: "2",
    },
    ...limitFlag("eval"),
    force: { type: "boolean", description: "Re-score copies already in the store." },
    "allow-outside-links": {
      type: "boolean",
      description: "Read dataset videos whose links lead outside the manifest's folder " +
        "(default: each is a video_error row naming it). Only for a dataset you trust; FIFOs " +
        "and devices are refused anyway (docs/security.md).",
    },
    json: {
      type: "boolean",
      description: "Print the summary as JSON on stdout, with the time each stage took (timings).",
    },
    // --- shards (scale/shard.ts; docs/scale.md)
    ...shardFlags("eval"),
  },
  epilog: "Exit status: 0 when the run completed (failed videos are recorded as rows and counted " +
    "in the summary), 1 when the run failed, 2 for a usage error, 130/143 when stopped by " +
    "SIGINT/SIGTERM (finished copies stay stored; rerun the same command to resume). Two runs " +
    "on one store share the work: a copy another live run is scoring is waited for, not redone. " +
    "With --shard I/N a run scores shard I's videos into its own part of each unit; the last " +
    "shard to end merges complete units into whole parts, and --finish (exit 1 when a unit " +
    "still lacks shard parts, naming them) does it otherwise. Sharding: docs/scale.md.",
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const detector = requireString(parsed, "detector");
    const data = requireString(parsed, "data");
    const store = requireString(parsed, "store");
    const faces = parsed.values.faces as string;
    if (!FACE_MODES.includes(faces as FaceMode)) {
      throw new UsageError(`--faces must be one of ${FACE_MODES.join(", ")}, got "${faces}"`);
    }
    let faceModel: string | undefined;
    try {
      faceModel = faceModelFor(
        faces as FaceMode,
        parsed.values["face-model"] as string | undefined,
      );
    } catch (error) {
      // Checked before the detector loads: the command line lacks the face model (exit 2).
      throw error instanceof FaceModelError ? new UsageError(error.message) : error;
    }
    const limits = limitOptions(parsed, "eval");
    const spec = await loadDetectorSpec(detector);
    const modelPath = (parsed.values.model as string | undefined) ?? spec.modelPath;
    if (!modelPath) throw new UsageError(`--model is required (the spec has no modelPath)`);
    const device = parsed.values.device as string;
    if (device !== "cpu" && device !== "cuda") {
      throw new UsageError(`--device must be cpu or cuda, got "${device}"`);
    }
    // SIGINT/SIGTERM kill the decoder and stop before the next video: finished copies stay
    // stored, a rerun resumes. A second signal exits at once (util/interrupt.ts).
    const signal = interruptSignal();
    const sharding = shardOptions(parsed);
    if ((sharding.shard || sharding.finish) && parsed.values.force === true) {
      throw new UsageError("--force cannot be combined with --shard or --finish");
    }
    const summary = await evaluate({
      spec,
      specSource: detector,
      limits,
      modelPath,
      data,
      store,
      trainSet: parsed.values["train-set"] as string | undefined,
      allowOutsideLinks: parsed.values["allow-outside-links"] === true,
      faces: faces as FaceMode,
      faceModel,
      sidecar: parsed.values.sidecar as string | undefined,
      frames: parsed.values.frames === undefined ? undefined : integerFlag(parsed, "frames", 32),
      batch: integerFlag(parsed, "batch", 8),
      threads: parsed.values.threads === undefined ? undefined : integerFlag(parsed, "threads", 1),
      device: device as "cpu" | "cuda",
      prefetch: prefetchFlag(parsed.values.prefetch as string),
      sessions: parsed.values.sessions === undefined
        ? undefined
        : integerFlag(parsed, "sessions", 1),
      force: parsed.values.force === true,
      signal,
      ...sharding,
      timings: parsed.values.json === true,
    });
    console.log(parsed.values.json ? JSON.stringify(summary, null, 2) : summaryTable(summary));
    if (summary.aborted) return interruptExitCode(signal.reason) ?? 130;
    // --finish fails while a unit lacks shard parts (its notes name them).
    return sharding.finish && summary.incomplete.length > 0 ? 1 : 0;
  });
}

/** `--prefetch`: a non-negative integer (0 turns the decode/inference overlap off). */
function prefetchFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`--prefetch must be a non-negative integer, got "${value}"`);
  }
  return n;
}

/**
 * The human summary: one line per copy (AUC over the run's paired videos, n = videos behind it),
 * clean AUC first, then failures and the videos left out of the AUCs, with the reasons.
 */
function summaryTable(summary: EvalSummary): string {
  const auc = (v: number | null) => (v === null ? "-" : v.toFixed(4));
  const header = [
    "op",
    "category",
    "videos",
    "rows",
    "ok",
    "no_face",
    "failed",
    "n",
    "AUC",
    "unit",
  ];
  const lines = summary.copies.map((c) => {
    const failed = Object.entries(c.statuses)
      .filter(([s]) => isFailureStatus(s))
      .reduce((n, [, k]) => n + k, 0);
    return [
      c.opId,
      c.opCategory,
      String(c.videos),
      String(c.rows),
      String(c.statuses.ok ?? 0),
      String(c.statuses.no_face ?? 0),
      String(failed),
      String(c.n ?? "-"),
      c.auc === null && c.n === 0 ? "no videos scored" : auc(c.auc),
      c.skipped ? "already stored" : "scored now",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const clean = summary.copies.find((c) => c.opId === UNALTERED_ID);
  const damaged = summary.copies.reduce((n, c) => n + (c.statuses[DAMAGED_VIDEO] ?? 0), 0);
  return [
    `detector ${summary.detector} (train set ${summary.trainSet}), run ${summary.runId}, ` +
    `faces ${summary.faceMode}, ${summary.frames} frames/video`,
    `clean AUC: ${clean ? auc(clean.auc) : "-"}`,
    "",
    format(header),
    ...lines.map(format),
    "",
    `${summary.facesScored} faces scored in ${formatSeconds(summary.seconds)}; ` +
    `${summary.failures} failure rows (see the store's status/error columns)` +
    (summary.copies.some((c) => c.skipped) ? "; already stored copies were not re-scored" : "") +
    (damaged > 0
      ? `\n${damaged} videos not scored (${DAMAGED_VIDEO}): their file no longer matches the ` +
        `copy manifest; the store's error column names each; rerun distort to redo them`
      : "") +
    (summary.aborted ? "\nstopped early: rerun the same command to finish" : "") +
    (summary.shard
      ? `\nshard ${summary.shard.index}/${summary.shard.count}: rows and AUCs are this ` +
        `shard's videos; ${summary.incomplete.length} unit(s) wait for other shards`
      : ""),
    ...(summary.warnings.length
      ? ["", "warnings (no score changed):", ...summary.warnings.map((w) => `- ${w}`)]
      : []),
    ...(summary.notes.length
      ? [
        "",
        `left out of the AUCs (${summary.leftOut.length} video x copy; every AUC ranks the ` +
        `videos usable in every copy):`,
        ...summary.notes.map((n) => `- ${n}`),
      ]
      : []),
  ].join("\n");
}
