/**
 * Planning a distort run: one plan per copy, its content address and folder, and what the run
 * learns of it on the way (filled in by artifacts/copy_lifecycle.ts: a finished manifest to reuse
 * or reopen, per-video records to resume from, this run's outcomes). Internal to `artifacts/`.
 * @module
 */
import { join } from "node:path";
import type { FfmpegBuild } from "../media/ffmpeg.ts";
import { CATALOG_VERSION } from "../ops/catalog.ts";
import type { OpInstance } from "../ops/operation.ts";
import type { EncodeProfile } from "../ops/profile.ts";
import { artifactId } from "./artifact_id.ts";
import type { CopyManifest, CopyVideoRecord } from "./copy_manifest.ts";
import type { SourceState } from "./source_state.ts";

/** One copy of the run: what it is, where it goes, and its video records so far. */
export interface CopyPlan {
  /** The operation instance. */
  op: OpInstance;
  /** Its effective encode profile. */
  profile: EncodeProfile;
  /** The copy's content address. */
  artifactId: string;
  /** Absolute path of the copy folder, `<out>/<op_id>/<artifactId>`. */
  copyDir: string;
  /** The copy's manifest once it is finished (found, or written by this run), else null. */
  existing: CopyManifest | null;
  /** Records by video id: finished (ok) ones from before or this run, failures of this run. */
  records: Map<string, CopyVideoRecord>;
  /** Outputs taken over from an earlier run (resume records, or a reopened copy's intact ones). */
  resumed: number;
  /** A finished copy reopened to retry or redo videos (artifacts/reopen.ts), else null. */
  reopened: CopyManifest | null;
  /** Ids of the reopened copy's intact videos, taken over as they were. */
  kept: Set<string>;
  /** Videos of the reopened copy tried again. */
  retried: number;
  /** True when the reopened copy came out as it was (its manifest was left untouched). */
  unchanged: boolean;
}

/** Options of {@link planCopies}. */
export interface PlanCopiesOptions {
  /** Absolute output folder; copies go to `<out>/<op_id>/<artifactId>/`. */
  out: string;
  /** The profile asked for (each op's effective profile comes from it). */
  profile: (op: OpInstance) => EncodeProfile;
  /** The ffmpeg build that will make the copies (part of every encoded copy's id). */
  build: FfmpegBuild;
}

/** One plan per operation: the copy's effective profile, content address and folder. */
export function planCopies(
  ops: readonly OpInstance[],
  sources: readonly SourceState[],
  { out, profile: profileOf, build }: PlanCopiesOptions,
): CopyPlan[] {
  const plans: CopyPlan[] = [];
  for (const op of ops) {
    const profile = profileOf(op);
    const id = artifactId({
      sources: sources.map((s) => ({
        id: s.entry.id,
        sha256: s.sha256,
        label: s.entry.label,
        method: s.entry.method,
        split: s.entry.split,
      })),
      op,
      profile,
      build,
      catalogVersion: CATALOG_VERSION,
    });
    const copyDir = join(out, op.id, id);
    plans.push({
      op,
      profile,
      artifactId: id,
      copyDir,
      existing: null,
      records: new Map(),
      resumed: 0,
      reopened: null,
      kept: new Set(),
      retried: 0,
      unchanged: false,
    });
  }
  return plans;
}
