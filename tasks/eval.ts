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
import { evaluate, type FaceMode } from "../eval/evaluate.ts";
import { faceModelFor } from "../eval/face_model.ts";
import { checkSidecarGiven } from "../eval/parts.ts";
import { formatEvalSummary } from "../eval/summary_text.ts";
import {
  type CommandSpec,
  integerFlag,
  optionalIntegerFlag,
  type ParsedCommand,
  requireString,
  runTask,
  UsageError,
} from "../util/cli.ts";
import { interruptExitCode, interruptSignal } from "../util/interrupt.ts";
import { EVAL_FLAGS } from "./_eval_flags.ts";
import { limitOptions } from "./_limit_flag.ts";
import { shardOptions } from "./_shard_flags.ts";

const SPEC: CommandSpec = {
  name: "eval",
  summary:
    "Score every sampled frame and face of every copy (a distort output folder or a dataset .csv) " +
    "with an ONNX detector and write per-face scores to a Parquet results store. A rerun resumes: " +
    "copies already in the store are skipped unless --force.",
  flags: EVAL_FLAGS,
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
    const faces = parsed.values.faces as FaceMode;
    // The cheap checks first (the detector's name or spec, the flags), then what depends on this
    // machine (the face model), then the data: the first error is the one to fix first.
    const limits = limitOptions(parsed, "eval");
    const spec = await loadDetectorSpec(detector);
    const modelPath = (parsed.values.model as string | undefined) ?? spec.modelPath;
    if (!modelPath) throw new UsageError(`--model is required (the spec has no modelPath)`);
    const sharding = shardOptions(parsed);
    const flags = {
      trainSet: parsed.values["train-set"] as string | undefined,
      allowOutsideLinks: parsed.values["allow-outside-links"] === true,
      sidecar: parsed.values.sidecar as string | undefined,
      frames: optionalIntegerFlag(parsed, "frames"),
      minFaceScore: minimumFlag(parsed, "min-face-score"),
      minFaceSize: minimumFlag(parsed, "min-face-size"),
      batch: integerFlag(parsed, "batch", 8),
      threads: optionalIntegerFlag(parsed, "threads"),
      device: parsed.values.device as "cpu" | "cuda",
      prefetch: integerFlag(parsed, "prefetch", 2, 0),
      sessions: optionalIntegerFlag(parsed, "sessions"),
      force: parsed.values.force === true,
    };
    checkSidecarGiven(faces, flags.sidecar);
    // Before the detector loads: a missing face model is named alone (exit 2, an OptionError).
    const faceModel = faceModelFor(faces, parsed.values["face-model"] as string | undefined);
    // SIGINT/SIGTERM kill the decoder and stop before the next video: finished copies stay
    // stored, a rerun resumes. A second signal exits at once (util/interrupt.ts).
    const signal = interruptSignal();
    const summary = await evaluate({
      spec,
      specSource: detector,
      limits,
      modelPath,
      data,
      store,
      faces,
      faceModel,
      ...flags,
      signal,
      ...sharding,
      timings: parsed.values.json === true,
    });
    console.log(parsed.values.json ? JSON.stringify(summary, null, 2) : formatEvalSummary(summary));
    if (summary.aborted) return interruptExitCode(signal.reason) ?? 130;
    // --finish fails while a unit lacks shard parts (its notes name them).
    return sharding.finish && summary.incomplete.length > 0 ? 1 : 0;
  });
}

// A face minimum flag: undefined when not given (the spec's value), null for "none", else a
// number (checked against its range by the run: an OptionError, exit 2).
function minimumFlag(parsed: ParsedCommand, name: string): number | null | undefined {
  const text = parsed.values[name] as string | undefined;
  if (text === undefined) return undefined;
  if (text.trim().toLowerCase() === "none") return null;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new UsageError(`--${name} must be a number or "none", got "${text}"`);
  }
  return value;
}
