/**
 * The `--limit name=value` flag `distort` and `eval` share (and `slurm` passes on), read into the
 * `limits` option both library calls take. The limits, their names and defaults are the registry
 * of util/limits.ts; see docs/security.md, "Limits".
 * @module
 */
import type { FlagSpec, ParsedCommand } from "../util/cli.ts";
import {
  LIMITS,
  type Limits,
  limitsHelp,
  type LimitStage,
  parseLimitFlags,
} from "../util/limits.ts";

/** The flag table entry of `--limit`, listing the limits `stage` takes and their defaults. */
export function limitFlag(stage: LimitStage): Record<string, FlagSpec> {
  const over = stage === "distort"
    ? "a source video over one is a failed video of every copy"
    : "a spec, model or flag over one is refused before any work and a video over one is a " +
      "video_error row";
  const elsewhere = LIMITS.filter((l) => !l.stages.includes(stage)).map((l) => l.flag);
  const only = elsewhere.length > 0
    ? ` The other limits (${elsewhere.join(", ")}) do not apply to ${stage} and are refused.`
    : "";
  return {
    limit: {
      type: "string",
      multiple: true,
      description: `Raise (or lower) a limit, repeatable: ${limitsHelp(stage)}; ${over} ` +
        `(docs/security.md "Limits"). Raise the frame limits only for videos you trust.${only}`,
      valueName: "<name=value>",
    },
  };
}

/**
 * The `limits` option for `stage`'s library call from the parsed `--limit` flags.
 * @throws `OptionError` (exit 2) for a bad `--limit` (util/limits.ts `parseLimitFlags`).
 */
export function limitOptions(parsed: ParsedCommand, stage: LimitStage): Partial<Limits> {
  return parseLimitFlags((parsed.values.limit as string[] | undefined) ?? [], stage);
}
