/**
 * Errors relative to a reference detector, after ImageNet-C's corruption error: for each model
 * and operation family, CE = sum over the family's levels of (1 - AUC) divided by the same sum
 * for the reference detector; mCE is the mean CE over families. Below 1: more robust than the
 * reference. Only levels both have (with an AUC) count; `unaltered` is left out.
 * @module
 */
import { type AucCell, modelLabel } from "./model.ts";

/** CE per family and mCE of one model against the reference. */
export interface RelativeErrorRow {
  model: string;
  /** CE by family id; null when the reference's error sum is 0 or no level is shared. */
  ce: Record<string, number | null>;
  /** Mean of the non-null CEs; null when there is none. */
  mce: number | null;
}

/**
 * CE and mCE of every model against `reference` (a detector name; its first train set in sort
 * order when it has several). Throws a RangeError naming the detectors present when the
 * reference has no cell.
 */
export function relativeErrors(
  cells: AucCell[],
  reference: string,
): { reference: string; families: string[]; rows: RelativeErrorRow[] } {
  const refCells = cells.filter((c) => c.detector === reference);
  if (refCells.length === 0) {
    const names = [...new Set(cells.map((c) => c.detector))].sort();
    throw new RangeError(
      `Reference detector "${reference}" is not in the store (detectors: ${names.join(", ")})`,
    );
  }
  const refTrain = [...new Set(refCells.map((c) => c.trainSet))].sort()[0];
  const refAuc = new Map(
    refCells.filter((c) => c.trainSet === refTrain && c.auc !== null).map((c) => [c.opId, c.auc!]),
  );
  const processed = cells.filter((c) => c.opId !== "unaltered");
  const families = [...new Set(processed.map((c) => c.opFamily ?? c.opId))];
  const models = new Map<string, AucCell[]>();
  for (const c of processed) {
    const model = modelLabel(c.detector, c.trainSet);
    if (!models.has(model)) models.set(model, []);
    models.get(model)!.push(c);
  }
  const rows: RelativeErrorRow[] = [];
  for (const [model, own] of models) {
    const ce: Record<string, number | null> = {};
    for (const family of families) {
      let err = 0;
      let refErr = 0;
      let shared = 0;
      for (const c of own.filter((c) => (c.opFamily ?? c.opId) === family)) {
        const ref = refAuc.get(c.opId);
        if (c.auc === null || ref === undefined) continue;
        err += 1 - c.auc;
        refErr += 1 - ref;
        shared++;
      }
      ce[family] = shared > 0 && refErr > 0 ? err / refErr : null;
    }
    const present = Object.values(ce).filter((v): v is number => v !== null);
    rows.push({
      model,
      ce,
      mce: present.length ? present.reduce((s, v) => s + v, 0) / present.length : null,
    });
  }
  rows.sort((a, b) => a.model.localeCompare(b.model));
  return { reference: modelLabel(reference, refTrain), families, rows };
}
