/**
 * The flag table of `deno task distort`, declared once: `tasks/distort.ts` parses it and
 * `tasks/slurm.ts` takes every flag of it that the Slurm pipeline does not set itself
 * (tests/slurm_flags_test.ts compares the two). The values a flag takes come from the library
 * (`PROFILES`, `BACKEND_CHOICES`).
 * @module
 */
import { BACKEND_FLAG } from "./_backend_flag.ts";
import { PROFILES } from "../ops/profile.ts";
import type { FlagSpec } from "../util/cli.ts";
import { limitFlag } from "./_limit_flag.ts";
import { shardFlags } from "./_shard_flags.ts";

/** Every flag of `deno task distort`, in --help order. */
export const DISTORT_FLAGS: Readonly<Record<string, FlagSpec>> = {
  manifest: {
    type: "string",
    description: "Dataset manifest (CSV id,path,label[,split,method]).",
    valueName: "<csv>",
  },
  ops: {
    type: "string",
    description: "Operations: paper (unaltered + the paper's 12), all (every ladder level), " +
      "comma-separated ids or families (h264_crf40,noise_s5,res), or chain:<name>=<id>+<id> " +
      "/ chain:<spec.json>, or platform:<record.json> (a platform measured with platform-fit).",
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
    choices: PROFILES,
  },
  ...BACKEND_FLAG,
  jobs: {
    type: "string",
    description: "Videos processed in parallel (default 2 native, 1 wasm).",
    valueName: "<n>",
  },
  force: { type: "boolean", description: "Redo copies even when finished ones exist." },
  "no-quality": {
    type: "boolean",
    description: "Do not measure the copies' quality (size, bitrate, PSNR/SSIM of luma against " +
      "the source, docs/operations.md); `verify --quality` adds it later.",
  },
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
};
