/**
 * The quality of one source video's copies, filled into their records: one comparison process
 * (artifacts/quality_measure.ts) for every encoded copy that has no `quality` yet; the
 * `unaltered` copy (the source's own file) is identical by construction and needs none. A
 * comparison that fails leaves each copy's PSNR and SSIM absent with the reason; the copies stay
 * (they are valid, only unmeasured). Internal to `artifacts/`.
 * @module
 */
import { join } from "node:path";
import type { Ffmpeg, VideoInfo } from "../media/ffmpeg.ts";
import type { OpInstance } from "../ops/operation.ts";
import type { CopyVideoRecord } from "./copy_manifest.ts";
import { INFINITE_PSNR, videoQuality } from "./copy_quality.ts";
import { type Fidelity, type FidelityInput, measureFidelity } from "./quality_measure.ts";
import { writeRecord } from "./video_records.ts";
import { decodersPerProcess } from "../media/decoder_budget.ts";

/** One copy of the video whose record may need its quality. */
export interface QualityItem {
  /** The copy's folder. */
  copyDir: string;
  /** Its operation (the category decides the reference). */
  op: Pick<OpInstance, "category" | "id">;
  /** `source` for the unaltered copy (a link to the source's file). */
  profile: string;
}

/**
 * Fills `quality` into each `ok` record (by the video's id in `records(item)`) that has none, for
 * the copies of one source video (`source`, probed as `info`). With `resume`, the resume record
 * of each filled one is rewritten (distort's unfinished copies). Never throws for a failed
 * comparison (the reason is recorded); rethrows only `signal`'s reason once it aborted (nothing is
 * recorded then: a rerun measures again).
 */
export async function fillVideoQuality(
  ffmpeg: Ffmpeg,
  source: string,
  info: VideoInfo,
  items: readonly { item: QualityItem; record: CopyVideoRecord }[],
  signal?: AbortSignal,
): Promise<void> {
  const todo = items.filter(({ record }) =>
    record.status === "ok" && record.output !== null && record.quality == null
  );
  const compared: { item: QualityItem; record: CopyVideoRecord; input: FidelityInput }[] = [];
  for (const { item, record } of todo) {
    const path = join(item.copyDir, record.output!);
    const probe = record.validation?.probe ?? null;
    const size = (await Deno.stat(path)).size;
    if (item.profile === "source") {
      record.quality = {
        ...videoQuality(size, probe, { reference: "source", psnrY: Infinity, ssimY: 1 }),
        reference: "source (the same file)",
        absent: { psnrY: INFINITE_PSNR },
      };
      continue;
    }
    if (!record.geometry) {
      record.quality = videoQuality(size, probe, "no geometry recorded for the copy");
      continue;
    }
    compared.push({
      item,
      record,
      input: {
        op: item.op,
        geometry: record.geometry,
        time: record.time,
        path,
        streamIndex: probe?.streamIndex ?? 0,
      },
    });
  }
  const perProcess = decodersPerProcess(info.width, info.height);
  for (let at = 0; at < compared.length; at += perProcess) {
    const chunk = compared.slice(at, at + perProcess);
    let results: (Fidelity | string)[];
    try {
      results = await measureFidelity(ffmpeg, source, info, chunk.map((c) => c.input));
    } catch (error) {
      signal?.throwIfAborted();
      const reason = `Cannot measure the copies of "${source}": ${(error as Error).message}`;
      results = chunk.map(() => reason);
    }
    for (const [k, { item, record }] of chunk.entries()) {
      const size = (await Deno.stat(join(item.copyDir, record.output!))).size;
      record.quality = videoQuality(size, record.validation?.probe ?? null, results[k]);
    }
  }
}

/**
 * distort's step: fills the quality of the records `plans` hold for `videoId` (made just now or
 * resumed without one) and rewrites their resume records.
 */
export async function measureVideoQuality(
  ffmpeg: Ffmpeg,
  source: string,
  info: VideoInfo,
  plans: readonly {
    copyDir: string;
    op: OpInstance;
    profile: string;
    records: Map<string, CopyVideoRecord>;
  }[],
  videoId: string,
  signal?: AbortSignal,
): Promise<void> {
  const items = plans.flatMap((plan) => {
    const record = plan.records.get(videoId);
    return record && record.status === "ok" && record.quality == null
      ? [{ item: plan, record }]
      : [];
  });
  if (items.length === 0) return;
  await fillVideoQuality(ffmpeg, source, info, items, signal);
  for (const { item, record } of items) await writeRecord(item.copyDir, record);
}
