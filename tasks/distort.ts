/**
 * `deno task distort`: one versioned copy of a test set per operation. Thin: flags -> options ->
 * `distortDataset` (artifacts/distort.ts); progress on stderr, the summary on stdout.
 * @module
 */
import { distortDataset } from "../artifacts/distort.ts";
import { formatDistortSummary } from "../artifacts/distort_summary_text.ts";
import type { BackendChoice } from "../media/ffmpeg.ts";
import type { EncodeProfile } from "../ops/profile.ts";
import { parseSeverity, selectOperations } from "../ops/select.ts";
import {
  commandLine,
  type CommandSpec,
  optionalIntegerFlag,
  requireString,
  runTask,
} from "../util/cli.ts";
import { interruptSignal } from "../util/interrupt.ts";
import { DISTORT_FLAGS } from "./_distort_flags.ts";
import { limitOptions } from "./_limit_flag.ts";
import { shardOptions } from "./_shard_flags.ts";

// How the user runs distort (deno task, or the installed dfrobust command), for the examples.
const DISTORT = commandLine("distort");

const spec: CommandSpec = {
  name: "distort",
  summary: "Make one content-addressed copy of a test set per operation with ffmpeg: " +
    "<out>/<op_id>/<artifactId>/{manifest.json,dataset.csv,videos/}. Finished copies are reused, " +
    "an interrupted run resumes, bad videos fail alone (listed in the copy's manifest) and are " +
    "tried again by a rerun, as are videos whose file no longer matches the manifest. Two runs " +
    "on one --out share the work (each copy is locked while it is made). " +
    "Exit code 1 when any video failed; 130/143 when stopped by SIGINT/SIGTERM (nothing " +
    "half-written is kept; rerun to resume).",
  flags: DISTORT_FLAGS,
  epilog: "Operation ids and ladders: docs/operations.md. Example:\n" +
    `  ${DISTORT} ` + "--manifest data/test.csv --ops paper --out out/copies\n" +
    `  ${DISTORT} ` +
    "--manifest data/test.csv --ops noise,h264 --severity all --out out/copies\n" +
    `  ${DISTORT} ` + "--manifest data/test.csv --ops chain:social=res_half+vintage+h264_crf40 " +
    "--out out/copies\n" +
    `  ${DISTORT} ` +
    "--manifest data/test.csv --out out/copies --shard 0/3   # one of 3 shards\n" +
    `  ${DISTORT} ` + "--manifest data/test.csv --out out/copies --finish --shards 3\n" +
    "With --shard, exit 0 once the shard's videos are recorded (failed ones too: --finish and the " +
    "report name them); --finish exits 1 when a copy still lacks videos, naming them and their " +
    "shards. Sharding: docs/scale.md.",
};

await runTask(spec, async (parsed) => {
  const manifest = requireString(parsed, "manifest");
  const out = requireString(parsed, "out");
  const severity = typeof parsed.values.severity === "string"
    ? parseSeverity(parsed.values.severity)
    : undefined;
  // A bad --ops or --severity is an OptionError (exit 2), like a bad flag.
  const ops = await selectOperations(parsed.values.ops as string, { severity });
  const sharding = shardOptions(parsed);
  const summary = await distortDataset(manifest, {
    out,
    ops,
    profile: parsed.values.profile as Exclude<EncodeProfile, "source">,
    backend: parsed.values.backend as BackendChoice,
    jobs: optionalIntegerFlag(parsed, "jobs"),
    force: parsed.values.force === true,
    quality: parsed.values["no-quality"] !== true,
    allowOutsideLinks: parsed.values["allow-outside-links"] === true,
    limits: limitOptions(parsed, "distort"),
    dryRun: parsed.values["dry-run"] === true,
    // SIGINT/SIGTERM kill ffmpeg and reject; runTask exits 130/143 (util/interrupt.ts).
    signal: interruptSignal(),
    ...sharding,
  });
  console.log(
    parsed.values.json ? JSON.stringify(summary, null, 2) : formatDistortSummary(summary),
  );
  // A shard's failed videos are outcomes (recorded; --finish and the report name them);
  // --finish fails only when videos are missing.
  if (sharding.shard || sharding.finish) {
    return summary.incomplete.length > 0 && sharding.finish ? 1 : 0;
  }
  return summary.failures > 0 ? 1 : 0;
});
