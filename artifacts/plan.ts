/**
 * Planning a distort run: one plan per copy (its content address and folder), and what an earlier
 * run left in a copy's folder (a finished manifest to reuse or reopen, per-video records to
 * resume from). Internal to `artifacts/` (artifacts/distort.ts runs the plans).
 * @module
 */
import { join } from "node:path";
import type { FfmpegBuild } from "../media/ffmpeg.ts";
import { CATALOG_VERSION } from "../ops/catalog.ts";
import type { OpInstance } from "../ops/operation.ts";
import type { EncodeProfile } from "../ops/profile.ts";
import { sha256File } from "../util/hash.ts";
import { logLine } from "../util/progress.ts";
import { artifactId } from "./artifact_id.ts";
import { type CopyManifest, type CopyVideoRecord, readCopyManifest } from "./copy_manifest.ts";
import { cleanCopyTemps } from "./copy_lock.ts";
import { checkFinishedCopy } from "./reopen.ts";
import type { SourceState } from "./source_state.ts";
import { readRecord } from "./video_records.ts";

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

/**
 * A copy with a manifest is finished unless it was reopened (failed or damaged videos, see
 * artifacts/reopen.ts). Every input that decides a failure for good (the source's bytes, or
 * their absence) is in the artifact id, so a retry of a bad input fails again the same way.
 */
export function isFinished(plan: CopyPlan): boolean {
  return plan.existing !== null;
}

/** Loads what an earlier run left: a finished manifest, or per-video records to resume from. */
export async function preparePlan(
  plan: CopyPlan,
  sources: SourceState[],
  force: boolean,
): Promise<void> {
  if (force) {
    await Deno.remove(plan.copyDir, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    return;
  }
  plan.existing = await readCopyManifest(plan.copyDir);
  // Held by this run now: temporary files of runs that are gone are garbage.
  await cleanCopyTemps(plan.copyDir);
  if (plan.existing) {
    const check = await checkFinishedCopy(plan.copyDir, plan.existing);
    if (check.redo.length === 0) return;
    plan.reopened = plan.existing;
    plan.existing = null;
    for (const record of check.keep) {
      plan.records.set(record.id, record);
      plan.kept.add(record.id);
      plan.resumed++;
    }
    plan.retried = check.redo.length;
    for (const { id, reason } of check.redo) {
      logLine(`distort: ${plan.op.id} "${id}" again: ${reason}`);
    }
  }
  for (const source of sources) {
    if (plan.records.has(source.entry.id)) continue;
    const previous = await readRecord(plan.copyDir, source.entry.id);
    if (!previous || previous.status !== "ok" || !previous.output) continue;
    // Trust a finished output only if its bytes are still the ones recorded.
    const path = join(plan.copyDir, previous.output);
    const hash = await sha256File(path).catch(() => null);
    if (hash !== null && hash === previous.outputSha256) {
      plan.records.set(source.entry.id, previous);
      plan.resumed++;
    }
  }
}
