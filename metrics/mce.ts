/**
 * ImageNet-C style corruption error: a detector's AUC error on each operation family, summed
 * over severities and normalised by a reference detector's; mCE is the mean over families.
 * @module
 */
import { MetricError } from "./metric_error.ts";
import { modelLabel, type OpAuc } from "./op_auc.ts";
import { UNALTERED_CATEGORY } from "../ops/unaltered.ts";
import { compareIds } from "../util/compare.ts";

/** Options for {@link corruptionErrors}. */
export interface CorruptionErrorOptions {
  /**
   * The reference: a run id, a run label (`sbi (faces: ultraface)`, as Table I names rows), or a
   * detector name that names exactly one run.
   */
  reference: string;
}

/** Corruption errors of one detector run against the reference. */
export interface CorruptionError {
  runId: string;
  detector: string;
  trainSet: string;
  /** The run's qualifier where the data hold several runs of its detector and training set. */
  run?: string;
  /**
   * CE per operation family: sum over its severities of (1 - AUC) divided by the same sum for
   * the reference, over the op ids both runs have. 1 = as robust as the reference, < 1 better.
   * Null when undefined (see `notes`).
   */
  families: Record<string, number | null>;
  /** Mean CE over the families with a value; null when none. */
  mce: number | null;
  /** Why a family is missing. */
  notes: string[];
}

/**
 * CE per family and mCE per run, from {@link OpAuc} records (e.g. `opAucs(frame)`), with
 * `1 - AUC` as the error (ImageNet-C uses top-1 error). `unaltered` is not a corruption and is
 * skipped. Throws a `MetricError` when the reference matches no run or several.
 */
export function corruptionErrors(
  aucs: readonly OpAuc[],
  options: CorruptionErrorOptions,
): CorruptionError[] {
  const runs = new Map<string, OpAuc[]>();
  for (const a of aucs) {
    if (a.opCategory === UNALTERED_CATEGORY) continue;
    runs.set(a.runId, [...(runs.get(a.runId) ?? []), a]);
  }
  const referenceRun = referenceRunId(aucs, options.reference);
  const reference = runs.get(referenceRun) ?? [];
  const families = [
    ...new Set(aucs.filter((a) => a.opCategory !== UNALTERED_CATEGORY).map((a) => a.opFamily)),
  ];
  const results: CorruptionError[] = [];
  for (const [runId, records] of runs) {
    const notes: string[] = [];
    const perFamily: Record<string, number | null> = {};
    for (const family of families) {
      const mine = new Map(
        records.filter((a) => a.opFamily === family && a.auc !== null).map((a) => [a.opId, a.auc!]),
      );
      const theirs = new Map(
        reference.filter((a) => a.opFamily === family && a.auc !== null).map((
          a,
        ) => [a.opId, a.auc!]),
      );
      const common = [...mine.keys()].filter((id) => theirs.has(id));
      if (common.length === 0) {
        perFamily[family] = null;
        notes.push(`${family}: no severity scored by both this run and the reference`);
        continue;
      }
      const error = common.reduce((s, id) => s + (1 - mine.get(id)!), 0);
      const referenceError = common.reduce((s, id) => s + (1 - theirs.get(id)!), 0);
      if (referenceError === 0) {
        perFamily[family] = null;
        notes.push(`${family}: the reference is perfect (AUC 1) there, so CE is undefined`);
        continue;
      }
      perFamily[family] = error / referenceError;
    }
    const values = Object.values(perFamily).filter((v): v is number => v !== null);
    results.push({
      runId,
      detector: records[0].detector,
      trainSet: records[0].trainSet,
      ...(records[0].run ? { run: records[0].run } : {}),
      families: perFamily,
      mce: values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length,
      notes,
    });
  }
  const label = (e: CorruptionError) => modelLabel(e.detector, e.trainSet, e.run);
  return results.sort((a, b) => compareIds(label(a), label(b)));
}

/**
 * The run id the reference names: a run id, its first 6+ characters when they name one run, a run
 * label as Table I names rows (`mesonet (FF++c23; faces: ultraface)`), or a detector with one
 * run. Throws a `MetricError` saying what to give when it names no run or several (each listed
 * by label and id).
 */
export function referenceRunId(aucs: readonly OpAuc[], reference: string): string {
  if (aucs.some((a) => a.runId === reference)) return reference;
  const label = (a: OpAuc) => modelLabel(a.detector, a.trainSet, a.run);
  const byLabel = [...new Set(aucs.filter((a) => label(a) === reference).map((a) => a.runId))];
  if (byLabel.length === 1) return byLabel[0];
  const byPrefix = reference.length >= 6
    ? [...new Set(aucs.filter((a) => a.runId.startsWith(reference)).map((a) => a.runId))]
    : [];
  if (byPrefix.length === 1) return byPrefix[0];
  const runs = [...new Set(aucs.filter((a) => a.detector === reference).map((a) => a.runId))];
  if (runs.length === 1) return runs[0];
  const known = [...new Set(aucs.map((a) => a.detector))].join(", ");
  const named = (ids: string[]) =>
    ids.map((id) => `"${label(aucs.find((a) => a.runId === id)!)}" (run id ${id})`).join(", ");
  throw new MetricError(
    runs.length === 0
      ? `Reference detector "${reference}" names no run: give a detector, a run label or a ` +
        `run id (have: ${known})`
      : `Reference detector "${reference}" has ${runs.length} runs in the store; give one of ` +
        `them by its run label or run id (its first 6+ characters): ${named(runs)}`,
  );
}
