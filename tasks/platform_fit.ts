/**
 * `deno task platform-fit --originals DIR --shared DIR --name NAME`: measure what a platform does
 * to uploads from paired videos (originals and the copies downloaded back, same file names) and
 * write a platform record for `distort --ops platform:<file>` (artifacts/platform_fit.ts).
 * Exit 1 when a pair failed (the record is written from the rest) or none could be measured.
 * @module
 */
import { BACKEND_FLAG } from "./_backend_flag.ts";
import {
  DEFAULT_CRF_RANGE,
  FIT_PLATFORMS,
  type FitPlatform,
  fitPlatform,
} from "../artifacts/platform_fit.ts";
import { formatPlatformFitSummary } from "../artifacts/platform_fit_text.ts";
import type { BackendChoice } from "../media/ffmpeg.ts";
import { PLATFORM_PROFILES } from "../ops/platform_record.ts";
import { type CommandSpec, integerFlag, requireString, runTask } from "../util/cli.ts";
import { commandLine } from "../util/command_line.ts";
import { interruptSignal } from "../util/interrupt.ts";

const spec: CommandSpec = {
  name: "platform-fit",
  summary: "Estimate a platform's re-encode from your own uploads: for each original in " +
    "--originals and the copy of the same name downloaded back from the platform in --shared, " +
    "the libx264 CRF at the copy's resolution whose bitrate first falls below the copy's " +
    "(Montibeller et al. 2025). Writes a platform record (per target resolution: the originals " +
    "it stands for and the mean CRF) for `distort --ops platform:<file>`. About 30 pairs per " +
    "resolution give stable estimates. Exit 1 when a pair failed (listed; the record is " +
    "written from the rest).",
  flags: {
    originals: {
      type: "string",
      description: "Folder of the original videos.",
      valueName: "<dir>",
    },
    shared: {
      type: "string",
      description: "Folder of the copies downloaded back from the platform (same file names).",
      valueName: "<dir>",
    },
    name: {
      type: "string",
      description: "The record's name, the op id of its copies (lowercase letters, digits, _).",
      valueName: "<name>",
    },
    platform: {
      type: "string",
      description: "youtube, facebook or other: picks the default profile (high for youtube, " +
        "main otherwise, as Montibeller et al.'s emulator).",
      default: "other",
      valueName: "<name>",
      choices: FIT_PLATFORMS,
    },
    profile: {
      type: "string",
      description: "x264 profile of the record and the search (default: by --platform; the " +
        "search then uses each copy's own H.264 profile).",
      valueName: "<name>",
      choices: PLATFORM_PROFILES,
    },
    "crf-min": {
      type: "string",
      description: "Lowest CRF searched.",
      default: String(DEFAULT_CRF_RANGE[0]),
      valueName: "<n>",
    },
    "crf-max": {
      type: "string",
      description: "Highest CRF searched (the estimate when none gets below the copy).",
      default: String(DEFAULT_CRF_RANGE[1]),
      valueName: "<n>",
    },
    out: {
      type: "string",
      description: "The record file to write (default <name>.json).",
      valueName: "<file.json>",
    },
    notes: {
      type: "string",
      description: "Free text kept in the record's provenance (account, upload dates, tool).",
      valueName: "<text>",
    },
    ...BACKEND_FLAG,
    json: { type: "boolean", description: "Print the summary as JSON." },
  },
  epilog: "Example:\n  " + commandLine("platform-fit") +
    " --originals uploads/ --shared downloaded/ --name platform_fb_2026 --platform facebook\n  " +
    commandLine("distort") + " --manifest data/test.csv --ops platform:platform_fb_2026.json",
};

await runTask(spec, async (parsed) => {
  const v = parsed.values;
  const summary = await fitPlatform({
    originals: requireString(parsed, "originals"),
    shared: requireString(parsed, "shared"),
    name: requireString(parsed, "name"),
    platform: v.platform as FitPlatform,
    profile: v.profile as string | undefined,
    crfMin: integerFlag(parsed, "crf-min", DEFAULT_CRF_RANGE[0], 0),
    crfMax: integerFlag(parsed, "crf-max", DEFAULT_CRF_RANGE[1], 0),
    out: v.out as string | undefined,
    notes: v.notes as string | undefined,
    backend: v.backend as BackendChoice,
    signal: interruptSignal(),
  });
  console.log(v.json ? JSON.stringify(summary, null, 2) : formatPlatformFitSummary(summary));
  return summary.failures.length > 0 ? 1 : 0;
});
