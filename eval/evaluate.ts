/**
 * The eval pipeline: for each copy of a test set, sample frames of every video, locate faces,
 * preprocess them, run the ONNX detector in batches and write one row per (video, frame, face)
 * to the results store, one atomic unit per (run, copy). Decoding and face preparation of the
 * next videos overlap inference of the current batch (a bounded prefetch queue), and a run that
 * was interrupted resumes at the first copy it had not finished.
 *
 * This module is the loop; each job has its file: opening the run (eval/run_setup.ts), a unit's
 * lifecycle, claimed, done, merged or scored (eval/unit_lifecycle.ts, the same for a plain run and
 * for a shard of one: scale/shard.ts), scoring a copy (eval/score_copy.ts: eval/copy_check.ts,
 * eval/prepare_video.ts, eval/score_batch.ts, rows from eval/rows.ts), and the summaries
 * (eval/copy_summary.ts, eval/run_summary.ts).
 * @module
 */
import { droppedFaces } from "./dropped_faces.ts";
import { Progress } from "../util/progress.ts";
import type { EvalCopy } from "./copies.ts";
import { type CopySummary, copySummary, countFailures } from "./copy_summary.ts";
import type { EvalSummary, EvaluateOptions } from "./evaluate_types.ts";
import { FACE_MODES, type FaceMode } from "./parts.ts";
import { recordFromStore } from "./reference_rows.ts";
import { copyContext, emptySummary, openEvalRun } from "./run_setup.ts";
import { runVideoSummary } from "./run_summary.ts";
import { scoreCopy } from "./score_copy.ts";
import { evalClock, type EvalTimings } from "./timings.ts";
import {
  claimUnits,
  finishedRows,
  finishShare,
  finishUnits,
  type FinishUnitsOptions,
  incompleteUnits,
  shardCopy,
  storedRows,
  writeScoredUnit,
} from "./unit_lifecycle.ts";

export { FACE_MODES };
export type { CopySummary, EvalSummary, EvalTimings, EvaluateOptions, FaceMode };

/**
 * Runs a detector over every copy under `options.data` and stores per-face scores. A corrupt or
 * missing video becomes a `video_error` row (message on stderr naming the file) and the run goes
 * on; a frame without a face becomes a `no_face` row; a non-finite model output a `nan_score`
 * row. Each copy is written atomically when done, so an interrupted run resumes without
 * duplicates. Each copy is scored under its unit's lock, so a second run on the same store
 * scores the other copies and then reads this one back; a video whose file no longer matches
 * its copy manifest becomes a `damaged_video` row instead of scores (eval/copy_check.ts); a
 * stored part that does not read back whole is scored again (eval/unit_lifecycle.ts).
 * @throws when the run's frames, batch or the spec's input size is over its limit (`limits`,
 * naming the spec or flag and how to raise it), before any work;
 * when the face mode needs an UltraFace model and none is given (`FaceModelMissingError`,
 * saying where to get one), when the model cannot be loaded or does not fit the spec (before any
 * work), when `--data` holds no copy, when the store cannot be written, or when `shard` or
 * `finish` comes with `force` (or both are given).
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalSummary> {
  const started = performance.now();
  const clock = evalClock(options.timings === true);
  const run = await openEvalRun(options, clock);
  const { spec, copies, parts } = run;
  const summary = emptySummary(run, options);
  const { shard, signal } = options;
  const units = { store: options.store, detector: spec.name, runId: run.runId, shard, signal };
  const report = (copy: CopySummary) => {
    summary.copies.push(copy);
    options.onCopy?.(copy);
  };
  const progress = new Progress({
    total: options.finish ? 0 : copies.reduce((n, c) => n + shardCopy(c, shard).videos.length, 0),
    label: options.label ?? `eval ${spec.name}`,
  });
  try {
    // Each unit is claimed under its lock: units another live run scores come last, waited for
    // and read back, so two runs on one store never score one unit twice.
    const claims = claimUnits(options.finish ? [] : copies, {
      ...units,
      waitInPlace: run.isReference,
    });
    for await (const unit of claims) {
      await using _lock = unit.lock;
      const copy = unit.copy;
      if (signal?.aborted) {
        summary.aborted = true;
        break;
      }
      const stored = await storedRows(options.store, unit, { force: options.force });
      if (stored) {
        if (run.isReference(copy)) recordFromStore(stored.rows, parts.recording);
        summary.facesDropped = (summary.facesDropped ?? 0) + droppedFaces(stored.rows);
        report({
          ...copySummary(copy, { unitId: stored.part.unitId, rows: stored.rows }),
          skipped: true,
        });
        progress.tick(copy.videos.length, `${copy.op.id} (already stored)`);
        continue;
      }
      const scored = await scoreCopy(copyContext(run, copy), { ...run.scoring, progress, clock });
      summary.facesScored += scored.facesScored;
      if (scored.stopped) {
        summary.aborted = true;
        break;
      }
      await clock.wait("store", () => writeScoredUnit(options.store, unit, scored.rows), "process");
      summary.facesDropped = (summary.facesDropped ?? 0) + droppedFaces(scored.rows);
      report(copySummary(copy, { unitId: unit.part.unitId, rows: scored.rows }));
    }
    // Stopped while waiting for a unit another run holds: the claims ended early.
    if (signal?.aborted && summary.copies.length < copies.length) summary.aborted = true;
    if (options.finish) await summariseFinish(summary, copies, units);
  } finally {
    progress.done();
    await run.close();
  }
  summary.failures = countFailures(summary.copies);
  Object.assign(summary, await runVideoSummary(options.store, spec.name, summary.copies));
  // A shard of N > 1 finishes the run's units when its share is done (the last one merges them).
  if (!summary.aborted) summary.incomplete.push(...await finishShare(copies, units));
  for (const u of options.finish ? summary.incomplete : []) {
    summary.notes.push(`unit ${u.opId}/${u.unitId} is incomplete: ${u.reason}.`);
  }
  summary.seconds = (performance.now() - started) / 1000;
  const timings = clock.report();
  if (timings) summary.timings = timings;
  return summary;
}

/**
 * `--finish`: scores nothing; finishes every unit of the run (eval/unit_lifecycle.ts) and adds
 * each whole one to `summary` as a skipped copy, each incomplete one to its `incomplete`.
 */
async function summariseFinish(
  summary: EvalSummary,
  copies: readonly EvalCopy[],
  units: FinishUnitsOptions,
): Promise<void> {
  for (const finished of await finishUnits(copies, units)) {
    const rows = await finishedRows(units.store, finished);
    if (rows === null) summary.incomplete.push(...incompleteUnits([finished]));
    else {
      const { copy, unitId } = finished;
      summary.copies.push({ ...copySummary(copy, { unitId, rows }), skipped: true });
    }
  }
}
