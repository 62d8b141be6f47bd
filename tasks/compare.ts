/**
 * `deno task compare`: the release gate. Scores the runs of a results store against a Table I
 * JSON kept from an earlier release (`deno task report --format json --out table.json`),
 * operation by operation (report/release_check.ts, metrics/release_gate.ts), and prints a table
 * naming every operation whose value dropped by more than the tolerance.
 *
 * Exit status: 0 when no operation regressed; 1 when one did (or is missing from the new run),
 * or the store cannot be read; 2 for a usage error (a bad flag, an unreadable or malformed
 * baseline file).
 * @module
 */
import { type CommandSpec, requireString, runTask, UsageError } from "../util/cli.ts";
import { DEFAULT_TOLERANCE } from "../metrics/release_gate.ts";
import { checkRelease } from "../report/release_check.ts";
import { gateJson, gateText } from "../report/gate_format.ts";
import { commandLine } from "../util/command_line.ts";

const SPEC: CommandSpec = {
  name: "compare",
  summary: "Release gate: exit 1 when a run's robustness regressed against a Table I JSON kept " +
    "from an earlier release, operation by operation.",
  flags: {
    baseline: {
      type: "string",
      description: `Table I JSON of the earlier release (${
        commandLine("report", "--format json")
      }).`,
      valueName: "<file>",
    },
    store: { type: "string", description: "Results store of the new run.", valueName: "<dir>" },
    tolerance: {
      type: "string",
      description: "Largest drop that passes, in the table's metric (AUC by default).",
      valueName: "<drop>",
      default: String(DEFAULT_TOLERANCE),
    },
    run: {
      type: "string",
      description: "Gate only this run of the store (repeatable; as report --run).",
      valueName: "<id|label>",
      multiple: true,
    },
    "threshold-rule": {
      type: "string",
      description: "For a baseline in a decision metric: the threshold rule (eer, fpr0.01, " +
        "t0.5). Default: the rule the baseline records (one that disagrees is a usage error); " +
        "eer for an older baseline that records none (a note says so).",
      valueName: "<rule>",
    },
    resamples: {
      type: "string",
      description: "Bootstrap resamples behind the new run's intervals (the p-values' " +
        "standard errors).",
      valueName: "<n>",
      default: "1000",
    },
    json: { type: "boolean", description: "Print the result as JSON (for CI systems)." },
  },
  epilog: `Example: ${commandLine("compare")} --baseline release-1.2/table.json ` +
    "--store out/store --tolerance 0.01",
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const baseline = requireString(parsed, "baseline");
    const store = requireString(parsed, "store");
    const tolerance = numberFlag(String(parsed.values.tolerance), "tolerance");
    const resamples = numberFlag(String(parsed.values.resamples), "resamples");
    if (!Number.isInteger(resamples)) {
      throw new UsageError(`--resamples wants a whole number, not "${parsed.values.resamples}"`);
    }
    const result = await checkRelease(baseline, store, {
      tolerance,
      runs: parsed.values.run as string[] | undefined,
      bootstrapResamples: resamples,
      thresholdRule: parsed.values["threshold-rule"] as string | undefined,
    });
    await Deno.stdout.write(
      new TextEncoder().encode(parsed.values.json === true ? gateJson(result) : gateText(result)),
    );
    return result.passed ? 0 : 1;
  });
}

// A flag that must be a number >= 0; anything else is a usage error (exit 2).
function numberFlag(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === "" || !(n >= 0) || !Number.isFinite(n)) {
    throw new UsageError(`--${flag} wants a number >= 0, not "${text}"`);
  }
  return n;
}
