/**
 * Finishing a copy, under its lock: its dataset manifest (the ok videos), the cache of verified
 * outputs, then its manifest, written last and atomically (a folder without one is unfinished);
 * a reopened copy that came out as it was keeps its manifest untouched. Then the resume records
 * and the temporary files of dead runs go. Internal to `artifacts/`.
 * @module
 */
import { join } from "node:path";
import { writeDatasetManifest } from "../dataset/manifest.ts";
import type { FfmpegBuild } from "../media/ffmpeg.ts";
import { CATALOG_VERSION } from "../ops/catalog.ts";
import { atomicWriteJson } from "../util/atomic.ts";
import {
  COPY_DATASET_FILE,
  COPY_MANIFEST_FILE,
  COPY_RECORDS_DIR,
  COPY_SCHEMA,
  type CopyManifest,
  manifestOp,
} from "./copy_manifest.ts";
import { cleanCopyTemps } from "./copy_lock.ts";
import { recordVerified } from "./output_check.ts";
import type { CopyPlan } from "./plan.ts";
import type { SourceState } from "./source_state.ts";
import { copyUnchanged } from "./reopen.ts";
import { failedRecord } from "./video_records.ts";
import { summarizeQuality } from "./copy_quality.ts";

/**
 * Writes dataset.csv (ok videos) and then manifest.json (unless a reopened copy came out
 * unchanged), and drops the per-video records and the temporary files of dead runs.
 */
export async function finishPlan(
  plan: CopyPlan,
  sources: SourceState[],
  build: FfmpegBuild,
  sourceManifest: string,
): Promise<void> {
  const videos = sources.map((s) =>
    plan.records.get(s.entry.id) ?? failedRecord(s, `No output for "${s.entry.path}"`)
  );
  if (plan.reopened && copyUnchanged(plan.reopened, { videos, kept: plan.kept })) {
    plan.existing = plan.reopened;
    plan.unchanged = true;
    await dropResumeFiles(plan.copyDir);
    return;
  }
  const ok = videos.filter((v) => v.status === "ok");
  await writeDatasetManifest(
    join(plan.copyDir, COPY_DATASET_FILE),
    ok.map((v) => ({
      id: v.id,
      relativePath: v.output!,
      label: v.label,
      split: v.split,
      method: v.method,
    })),
  );
  const manifest: CopyManifest = {
    schema: COPY_SCHEMA,
    artifactId: plan.artifactId,
    op: manifestOp(plan.op),
    profile: plan.profile,
    geometry: plan.op.geometry,
    backend: plan.profile === "source" ? null : build,
    catalogVersion: CATALOG_VERSION,
    createdAt: new Date().toISOString(),
    sourceManifest,
    audio: plan.profile === "source" ? "kept" : "dropped",
    counts: { total: videos.length, ok: ok.length, failed: videos.length - ok.length },
    quality: summarizeQuality(videos),
    videos,
  };
  // The outputs were hashed just now: later checks of this copy can stop at stat().
  await recordVerified(
    plan.copyDir,
    ok.map((v) => ({ output: v.output!, sha256: v.outputSha256! })),
  );
  await atomicWriteJson(join(plan.copyDir, COPY_MANIFEST_FILE), manifest);
  plan.existing = manifest;
  await dropResumeFiles(plan.copyDir);
}

/**
 * Once the manifest holds every record the resume files are no longer needed, and temporary
 * files whose owner is gone (ffmpeg killed mid-write in an earlier run) are garbage; those of
 * a live run are left alone (artifacts/copy_lock.ts).
 */
async function dropResumeFiles(copyDir: string): Promise<void> {
  await Deno.remove(join(copyDir, COPY_RECORDS_DIR), { recursive: true }).catch(() => {});
  await cleanCopyTemps(copyDir);
}
