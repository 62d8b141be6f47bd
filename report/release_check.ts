/**
 * The release gate from files (`deno task compare`): reads a Table I JSON kept from an earlier
 * release (what `deno task report --format json` writes), scores the store's runs in the same
 * metric, pairing and threshold rule, and gates them with metrics/release_gate.ts.
 * @module
 */
import { AUC_METRIC } from "../metrics/cell_metrics.ts";
import { isDecisionMetric, metricChoice } from "../metrics/decision_metrics.ts";
import { MetricError } from "../metrics/metric_error.ts";
import { type GateResult, releaseGate, storedTable } from "../metrics/release_gate.ts";
import { tableOne } from "../metrics/table.ts";
import { parseThresholdChoice } from "../metrics/threshold_rules.ts";
import type { Pairing } from "../metrics/video_set.ts";
import { OptionError } from "../util/option_error.ts";
import { loadReportData } from "./collect.ts";

/** Options for {@link checkRelease}. */
export interface CheckReleaseOptions {
  /** Largest drop that passes (metrics/release_gate.ts `DEFAULT_TOLERANCE` by default). */
  tolerance?: number;
  /** The store's runs to gate (as `report --run`); default every run. */
  runs?: readonly string[];
  /** Bootstrap resamples behind the new intervals (the test's standard errors); default 1000. */
  bootstrapResamples?: number;
  /**
   * For a stored table in a decision metric: the threshold rule of the new run, as text (`eer`,
   * `fpr0.01`, `t0.5`); default `eer`. (A stored table names its rule in words only.)
   */
  thresholdRule?: string;
}

/** Thrown when the baseline file cannot be read or is not a Table I JSON: exit 2 in the task. */
export class BaselineError extends OptionError {
  override name = "BaselineError";
}

/**
 * Gates the store at `storeDir` against the Table I JSON at `baselinePath`. The new table is
 * computed like the stored one: its metric (`metric`, AUC when absent), its pairing and, for a
 * decision metric, its rows' threshold rule. Throws {@link BaselineError} naming the file when
 * it is missing or not a Table I JSON, `StoreError` for a missing or unreadable store.
 */
export async function checkRelease(
  baselinePath: string,
  storeDir: string,
  options: CheckReleaseOptions = {},
): Promise<GateResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(baselinePath);
  } catch (error) {
    throw new BaselineError(
      `Cannot read the baseline "${baselinePath}": ${(error as Error).message} (write one ` +
        "with `deno task report --format json --out table.json`)",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(
      `The baseline "${baselinePath}" is not JSON: ${(error as Error).message}`,
    );
  }
  let baseline;
  try {
    baseline = storedTable(parsed);
  } catch (error) {
    if (!(error instanceof MetricError)) throw error;
    throw new BaselineError(`The baseline "${baselinePath}": ${error.message}`);
  }
  const metricId = baseline.metric ?? AUC_METRIC.id;
  const { metric } = metricChoice(metricId);
  const pairing = (parsed as { pairing?: Pairing }).pairing;
  const data = await loadReportData(storeDir, {
    runs: options.runs,
    pairing: pairing === "unpaired" ? "unpaired" : "paired",
    bootstrapResamples: options.bootstrapResamples ?? 1000,
    metrics: metric.id === AUC_METRIC.id || isDecisionMetric(metric) ? undefined : [metric],
    ...(isDecisionMetric(metric)
      ? { threshold: parseThresholdChoice(options.thresholdRule ?? "eer") }
      : {}),
  });
  const current = tableOne(data.cells, { metric });
  return releaseGate(baseline, current, { tolerance: options.tolerance });
}
