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
import {
  DEFAULT_THRESHOLD,
  parseThresholdChoice,
  type ThresholdChoice,
  thresholdChoiceRecord,
  thresholdChoiceText,
} from "../metrics/threshold_rules.ts";
import type { Pairing } from "../metrics/video_set.ts";
import { OptionError } from "../util/option_error.ts";
import { loadReportData } from "./collect.ts";
import { commandLine } from "../util/command_line.ts";

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
   * `fpr0.01`, `t0.5`). The stored table's `thresholdRule` is used where it has one (a rule
   * that differs from it is a {@link BaselineError}); an older table without it is taken to
   * have used this rule, else `eer`, and the result's notes say so.
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
 * decision metric, its threshold rule (the table's `thresholdRule`; see
 * {@link CheckReleaseOptions.thresholdRule}). Throws {@link BaselineError} naming the file when
 * it is missing or not a Table I JSON, or when `thresholdRule` disagrees with the rule the
 * table records; `StoreError` for a missing or unreadable store.
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
        `with \`${commandLine("report", "--format json --out table.json")}\`)`,
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
  const notes: string[] = [];
  const threshold = isDecisionMetric(metric)
    ? baselineThreshold(baselinePath, parsed, options.thresholdRule, notes)
    : undefined;
  const data = await loadReportData(storeDir, {
    runs: options.runs,
    pairing: pairing === "unpaired" ? "unpaired" : "paired",
    bootstrapResamples: options.bootstrapResamples ?? 1000,
    metrics: metric.id === AUC_METRIC.id || isDecisionMetric(metric) ? undefined : [metric],
    ...(threshold ? { threshold } : {}),
  });
  const current = tableOne(data.cells, { metric });
  const result = releaseGate(baseline, current, { tolerance: options.tolerance });
  result.notes.unshift(...notes);
  return result;
}

// The threshold rule the new run is scored with: the one the stored table records, else the
// flag's (or eer) with a note saying it was assumed. A flag that disagrees with the record is a
// BaselineError naming both.
function baselineThreshold(
  baselinePath: string,
  parsed: unknown,
  flag: string | undefined,
  notes: string[],
): ThresholdChoice {
  const given = flag === undefined ? undefined : parseThresholdChoice(flag);
  const stored = (parsed as { thresholdRule?: unknown }).thresholdRule;
  if (stored === undefined) {
    const assumed = given ?? DEFAULT_THRESHOLD;
    notes.push(
      `The baseline "${baselinePath}" does not record its threshold rule (written by an older ` +
        `dfrobust): assumed ${thresholdChoiceText(assumed)}` +
        (given
          ? " (--threshold-rule)"
          : ", the default; give --threshold-rule if it used another") +
        ".",
    );
    return assumed;
  }
  let recorded: ThresholdChoice;
  try {
    recorded = thresholdChoiceRecord(stored);
  } catch (error) {
    throw new BaselineError(`The baseline "${baselinePath}": ${(error as Error).message}`);
  }
  if (given && thresholdChoiceText(given) !== thresholdChoiceText(recorded)) {
    throw new BaselineError(
      `--threshold-rule ${thresholdChoiceText(given)} disagrees with the baseline ` +
        `"${baselinePath}", whose table used ${thresholdChoiceText(recorded)}: leave out ` +
        "--threshold-rule (the baseline's rule is used) or write a new baseline with it",
    );
  }
  return recorded;
}
