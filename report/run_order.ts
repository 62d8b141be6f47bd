/**
 * The order of a report's runs: the order the user named them (`report --run a --run b`), else
 * the order they were made (each run's first row written). Table I's rows, the charts' panels
 * and the provenance list all follow it, so that row 3 of the table is panel 3 of every chart.
 * @module
 */
import { chooseRuns } from "../store/run_labels.ts";
import type { RunSummary } from "../store/runs.ts";
import { compareIds } from "../util/compare.ts";

/**
 * Run ids in report order. With `choices` (each a run id, label, qualifier or detector, as
 * store/run_labels.ts `chooseRuns` takes them), the runs each choice names, choice by choice;
 * runs named by one choice, and all runs without choices, by `firstWritten` (ISO 8601, the
 * order they were run), then run id. Throws what `chooseRuns` throws for a choice naming none.
 */
export function runOrder(
  runs: readonly RunSummary[],
  choices: readonly string[] = [],
): string[] {
  const byTime = [...runs].sort((a, b) =>
    compareIds(a.firstWritten, b.firstWritten) || compareIds(a.runId, b.runId)
  );
  if (choices.length === 0) return byTime.map((r) => r.runId);
  const order: string[] = [];
  for (const choice of choices) {
    for (const r of chooseRuns(byTime, [choice])) {
      if (!order.includes(r.runId)) order.push(r.runId);
    }
  }
  return order;
}

/**
 * `items` (cells, curves, provenance records) stably sorted into `order` by their `runId`;
 * items without a run id, or of a run not in `order`, keep their place after the others.
 */
export function inRunOrder<T extends { runId?: string }>(
  items: readonly T[],
  order: readonly string[],
): T[] {
  const rank = (item: T) => {
    const i = order.indexOf(item.runId ?? "");
    return i < 0 ? order.length : i;
  };
  return items.map((item, i) => ({ item, i, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.item);
}
