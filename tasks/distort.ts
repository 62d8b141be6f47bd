/**
 * `deno task distort`: one versioned copy of a test set per operation. Thin: flags -> options ->
 * `distortDataset` (artifacts/distort.ts); progress on stderr, the summary on stdout.
 * @module
 */
import { distortDataset, type DistortSummary } from "../artifacts/distort.ts";
import type { BackendChoice } from "../media/ffmpeg.ts";
import { UnknownOperationError } from "../ops/catalog.ts";
import { ChainError } from "../ops/chain.ts";
import { parseSeverity, selectOperations } from "../ops/select.ts";
import { type CommandSpec, integerFlag, requireString, runTask, UsageError } from "../util/cli.ts";
import { interruptSignal } from "../util/interrupt.ts";
import { formatSeconds } from "../util/progress.ts";
import { limitFlag, limitOptions } from "./_limit_flag.ts";
import { shardFlags, shardOptions } from "./_shard_flags.ts";

const spec: CommandSpec = {
  name: "distort",
  summary: "Make one content-addressed copy of a test set per operation with ffmpeg: " +
    "<out>/<op_id>/<artifactId>/{manifest.json,dataset.csv,videos/}. Finished copies are reused, " +
    "an interrupted run resumes, bad videos fail alone (listed in the copy's manifest) and are " +
    "tried again by a rerun, as are videos whose file no longer matches the manifest. Two runs " +
    "on one --out share the work (each copy is locked while it is made). " +
    "Exit code 1 when any video failed; 130/143 when stopped by SIGINT/SIGTERM (nothing " +
    "half-written is kept; rerun to resume).",
  flags: {
    manifest: {
      type: "string",
      description: "Dataset manifest (CSV id,path,label[,split,method]).",
      valueName: "<csv>",
    },
    ops: {
      type: "string",
      description: "Operations: paper (unaltered + the paper's 12), all (every ladder level), " +
        "comma-separated ids or families (h264_crf40,noise_s5,res), or chain:<name>=<id>+<id> " +
        "/ chain:<spec.json>.",
      default: "paper",
      valueName: "<list>",
    },
    severity: {
      type: "string",
      description: "Ladder levels (1,3,5 or all) for every parametric family named in --ops.",
      valueName: "<levels>",
    },
    profile: {
      type: "string",
      description: "Encode of filter operations: paper (libx264 CRF 23, yuv420p) or lossless " +
        "(libx264 -qp 0, yuv420p). Compression ops always use their own CRF; audio is dropped.",
      default: "paper",
      valueName: "<name>",
    },
    backend: {
      type: "string",
      description: "ffmpeg backend: auto (native when installed, else ffmpeg.wasm), native, wasm.",
      default: "auto",
      valueName: "<name>",
    },
    jobs: {
      type: "string",
      description: "Videos processed in parallel (default 2 native, 1 wasm).",
      valueName: "<n>",
    },
    force: { type: "boolean", description: "Redo copies even when finished ones exist." },
    "allow-outside-links": {
      type: "boolean",
      description: "Follow links in the dataset that lead outside the manifest's folder " +
        "(default: such a video is refused and fails alone). Only for a dataset you trust; " +
        "FIFOs and devices are refused anyway (docs/security.md).",
    },
    ...limitFlag("distort"),
    "dry-run": {
      type: "boolean",
      description: "Print the plan (artifact ids and folders) without running ffmpeg.",
    },
    json: { type: "boolean", description: "Print the summary as JSON instead of a table." },
    out: { type: "string", description: "Output folder for the copies.", valueName: "<dir>" },
    // --- shards (scale/shard.ts; docs/scale.md)
    ...shardFlags("distort"),
  },
  epilog: "Operation ids and ladders: docs/operations.md. Example:\n" +
    "  deno task distort --manifest data/test.csv --ops paper --out out/copies\n" +
    "  deno task distort --manifest data/test.csv --ops noise,h264 --severity all --out out/copies\n" +
    "  deno task distort --manifest data/test.csv --ops chain:social=res_half+vintage+h264_crf40 " +
    "--out out/copies\n" +
    "  deno task distort --manifest data/test.csv --out out/copies --shard 0/3   # one of 3 shards\n" +
    "  deno task distort --manifest data/test.csv --out out/copies --finish --shards 3\n" +
    "With --shard, exit 0 once the shard's videos are recorded (failed ones too: --finish and the " +
    "report name them); --finish exits 1 when a copy still lacks videos, naming them and their " +
    "shards. Sharding: docs/scale.md.",
};

function table(summary: DistortSummary): string {
  const rows = [["operation", "artifact", "state", "ok", "failed", "seconds"]];
  for (const c of summary.copies) {
    rows.push([
      c.opId,
      c.artifactId,
      c.state,
      String(c.ok),
      String(c.failed),
      c.seconds.toFixed(1),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => i >= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])).join("  ")
  );
  const failures = summary.copies.flatMap((c) =>
    c.failures.map((f) => `  ${c.opId} ${f.videoId}: ${f.error}`)
  );
  const retried = summary.copies.reduce((n, c) => n + c.retried, 0);
  return [
    ...lines,
    "",
    `${summary.copies.length} copies in ${summary.out} with ${summary.backend.backend} ffmpeg ` +
    `${summary.backend.ffmpegVersion}, ${formatSeconds(summary.seconds)}`,
    ...(retried > 0
      ? [`${retried} videos of finished copies tried again (failed before, or file damaged)`]
      : []),
    ...(failures.length > 0
      ? [`${failures.length} failed (video, operation) pairs:`, ...failures]
      : []),
    ...(summary.shard
      ? [
        `shard ${summary.shard.index}/${summary.shard.count}: "recorded" copies wait for ` +
        `other shards' videos (the last shard to finish writes their manifests)`,
      ]
      : []),
    ...summary.notes.map((note) => `missing: ${note}`),
  ].join("\n");
}

await runTask(spec, async (parsed) => {
  const manifest = requireString(parsed, "manifest");
  const out = requireString(parsed, "out");
  const backend = parsed.values.backend as string;
  if (!["auto", "native", "wasm"].includes(backend)) {
    throw new UsageError(`--backend must be auto, native or wasm, got "${backend}"`);
  }
  const profile = parsed.values.profile as string;
  if (profile !== "paper" && profile !== "lossless") {
    throw new UsageError(`--profile must be paper or lossless, got "${profile}"`);
  }
  let severity: number[] | "all" | undefined;
  if (typeof parsed.values.severity === "string") {
    try {
      severity = parseSeverity(parsed.values.severity);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  let ops;
  try {
    ops = await selectOperations(parsed.values.ops as string, { severity });
  } catch (error) {
    // A bad --ops is a usage error (exit 2), like a bad flag.
    if (error instanceof UnknownOperationError || error instanceof ChainError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  const sharding = shardOptions(parsed);
  if (sharding.shard || sharding.finish) {
    if (parsed.values.force === true) {
      throw new UsageError("--force cannot be combined with --shard or --finish");
    }
  }
  const summary = await distortDataset(manifest, {
    out,
    ops,
    profile,
    backend: backend as BackendChoice,
    jobs: parsed.values.jobs === undefined ? undefined : integerFlag(parsed, "jobs", 1),
    force: parsed.values.force === true,
    allowOutsideLinks: parsed.values["allow-outside-links"] === true,
    limits: limitOptions(parsed, "distort"),
    dryRun: parsed.values["dry-run"] === true,
    // SIGINT/SIGTERM kill ffmpeg and reject; runTask exits 130/143 (util/interrupt.ts).
    signal: interruptSignal(),
    ...sharding,
  });
  console.log(parsed.values.json ? JSON.stringify(summary, null, 2) : table(summary));
  // A shard's failed videos are outcomes (recorded; --finish and the report name them);
  // --finish fails only when videos are missing.
  if (sharding.shard || sharding.finish) {
    return summary.incomplete.length > 0 && sharding.finish ? 1 : 0;
  }
  return summary.failures > 0 ? 1 : 0;
});
