/**
 * Quality for copies made before it was recorded (or made with `quality: false`): the missing
 * `videos[].quality` records and the copy's `quality` summary are computed from the copies' files
 * and their sources, without remaking any video, and patched into each manifest (the manifest's
 * other fields, `createdAt` included, are kept as written, so nothing downstream sees a new copy).
 * One comparison process per source video covers all its copies (artifacts/quality_video.ts).
 * Used by `verify --quality` and by distort when it reuses a finished copy.
 * @module
 */
import { join } from "node:path";
import type { Ffmpeg, VideoInfo } from "../media/ffmpeg.ts";
import { atomicWriteJson } from "../util/atomic.ts";
import { readJsonFile } from "../util/json_file.ts";
import { COPY_MANIFEST_FILE, type CopyManifest, type CopyVideoRecord } from "./copy_manifest.ts";
import { summarizeQuality } from "./copy_quality.ts";
import { fillVideoQuality, type QualityItem } from "./quality_video.ts";

/** A finished copy whose manifest may lack quality. */
export interface BackfillCopy {
  /** The copy folder. */
  dir: string;
  /** Its manifest as read (artifacts/copy_manifest.ts). */
  manifest: CopyManifest;
}

/** What {@link backfillQuality} did. */
export interface BackfillResult {
  /** Videos whose quality was computed now. */
  filled: number;
  /** Manifests rewritten with the new numbers. */
  manifests: number;
  /** Ok videos whose manifest already had their quality (left as recorded). */
  already: number;
  /** Videos left without quality, each with why (names the file). */
  skipped: { videoId: string; copy: string; reason: string }[];
}

/**
 * Computes the missing quality of every `ok` video of `copies` and patches it into their
 * manifests. `sources(record)` gives the source file to compare against (links resolved, its hash
 * checked against `record.sourceSha256` by the caller), or a string saying why it cannot be read
 * (the video is then skipped, with that reason). Throws only for a manifest it cannot rewrite.
 */
export async function backfillQuality(
  ffmpeg: Ffmpeg,
  copies: readonly BackfillCopy[],
  sources: (record: CopyVideoRecord) => Promise<string | { reason: string }>,
): Promise<BackfillResult> {
  const result: BackfillResult = { filled: 0, manifests: 0, already: 0, skipped: [] };
  // Every copy's records of one source video, compared in one process.
  const bySource = new Map<string, { item: QualityItem; record: CopyVideoRecord }[]>();
  const touched = new Set<BackfillCopy>();
  const owner = new Map<CopyVideoRecord, BackfillCopy>();
  for (const copy of copies) {
    for (const record of copy.manifest.videos) {
      if (record.status !== "ok" || record.output === null) continue;
      if (record.quality != null) {
        result.already++;
        continue;
      }
      const source = await sources(record);
      if (typeof source !== "string") {
        result.skipped.push({ videoId: record.id, copy: copy.dir, reason: source.reason });
        continue;
      }
      const item: QualityItem = {
        copyDir: copy.dir,
        op: copy.manifest.op,
        profile: copy.manifest.profile,
      };
      bySource.set(source, [...bySource.get(source) ?? [], { item, record }]);
      owner.set(record, copy);
    }
  }
  for (const [source, items] of bySource) {
    let info: VideoInfo;
    try {
      info = await ffmpeg.probe(source);
    } catch (error) {
      for (const { item, record } of items) {
        result.skipped.push({
          videoId: record.id,
          copy: item.copyDir,
          reason: (error as Error).message,
        });
      }
      continue;
    }
    await fillVideoQuality(ffmpeg, source, info, items);
    for (const { record } of items) {
      if (record.quality == null) continue;
      result.filled++;
      touched.add(owner.get(record)!);
    }
  }
  for (const copy of touched) {
    await patchManifest(copy);
    result.manifests++;
  }
  return result;
}

/**
 * Writes the quality records of `copy.manifest.videos` into its `manifest.json` as written on
 * disk (every other field untouched), with the new summary.
 */
async function patchManifest(copy: BackfillCopy): Promise<void> {
  const path = join(copy.dir, COPY_MANIFEST_FILE);
  const raw = await readJsonFile(path, { what: "copy manifest" }) as Record<string, unknown>;
  const byId = new Map(copy.manifest.videos.map((v) => [v.id, v]));
  const videos = (raw.videos as Record<string, unknown>[]).map((video) => {
    const quality = byId.get(String(video.id))?.quality;
    return quality != null && video.status === "ok" ? { ...video, quality } : video;
  });
  const quality = summarizeQuality(videos as unknown as CopyVideoRecord[]);
  // The summary goes where finish.ts writes it: before `videos`.
  const { videos: _old, ...rest } = raw;
  await atomicWriteJson(path, { ...rest, quality, videos });
  copy.manifest.quality = quality;
}
