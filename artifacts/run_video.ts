/**
 * Making one video's outputs for the copies that still need them: the unaltered copy is a hard
 * link to the source's real file (links resolved: artifacts/source_state.ts); encoded copies run in as few ffmpeg processes as the memory budget allows
 * (decode once, `split` to N encoders); each output is validated, hashed and renamed into place,
 * and its resume record written. A process whose one branch fails is retried one operation per
 * process, so only the operations that fail on their own are recorded as failed. Internal to
 * `artifacts/`.
 * @module
 */
import { extname, join } from "node:path";
import type { Ffmpeg, VideoInfo } from "../media/ffmpeg.ts";
import {
  type FrameGeometry,
  type FrameGeometrySegment,
  identityFrameGeometry,
  sizeRunGeometries,
} from "../ops/geometry.ts";
import { timeFilter, timeMapOf, timingOf } from "../ops/time_map.ts";
import { missingEncoder } from "../ops/profile.ts";
import { tempPathFor } from "../util/atomic.ts";
import { sha256File } from "../util/hash.ts";
import { mapLimit } from "../util/concurrency.ts";
import { Progress } from "../util/progress.ts";
import { COPY_VIDEOS_DIR, type CopyVideoRecord } from "./copy_manifest.ts";
import { safeFileStem } from "./file_names.ts";
import type { CopyPlan } from "./plan.ts";
import { probeSource, sourceFile, type SourceState } from "./source_state.ts";
import { branchGeometry, chunkForBudget, splitGraphArgs } from "./split_graph.ts";
import { validateOutput } from "./validate_output.ts";
import { baseRecord, failedRecord, writeRecord } from "./video_records.ts";
import { measureVideoQuality } from "./quality_video.ts";

/** Options of {@link makeVideos}. */
export interface MakeVideosOptions {
  /** The ffmpeg that makes them. */
  ffmpeg: Ffmpeg;
  /** The source videos to make outputs of (a run's share). */
  sources: readonly SourceState[];
  /** Videos made in parallel. */
  jobs: number;
  /** Memory (bytes) one split run may use. */
  budget: number;
  /** At most this many operations per ffmpeg process. */
  maxOpsPerProcess?: number;
  /** Stops between ffmpeg jobs (a running one is killed by the ffmpeg handle). */
  signal?: AbortSignal;
  /**
   * Record each new output's quality (size, bitrate, PSNR/SSIM: artifacts/copy_quality.ts), one
   * comparison process per source video after its outputs are made. Default true.
   */
  quality?: boolean;
}

/**
 * Makes each of the `sources`' outputs for each of `plans` that has no record of it yet, `jobs`
 * videos at a time, with one progress line (ticked per video and copy), and records every
 * outcome in its plan (ok or failed, naming the file). Throws only the signal's reason.
 */
export async function makeVideos(plans: CopyPlan[], options: MakeVideosOptions): Promise<void> {
  const { ffmpeg, sources } = options;
  const progress = new Progress({ total: sources.length * plans.length, label: "distort" });
  await mapLimit(sources, options.jobs, async (source) => {
    await processVideo(ffmpeg, source, plans, { ...options, progress });
  });
  progress.done();
}

/** Options of {@link processVideo}. */
interface VideoRunOptions extends MakeVideosOptions {
  /** Ticked once per (video, copy) done. */
  progress: Progress;
}

/**
 * Makes `source`'s output for each of `plans` that has no record of it yet, and records the
 * outcome in the plan (ok or failed, naming the file). Throws only the signal's reason.
 */
async function processVideo(
  ffmpeg: Ffmpeg,
  source: SourceState,
  plans: CopyPlan[],
  options: VideoRunOptions,
): Promise<void> {
  const todo = plans.filter((p) => !p.records.has(source.entry.id));
  const skipped = plans.length - todo.length;
  if (skipped > 0) options.progress.tick(skipped);
  // Outputs resumed from an interrupted run may lack their quality: measured with the rest.
  const unmeasured = (options.quality ?? true) && plans.some((p) => {
    const record = p.records.get(source.entry.id);
    return record?.status === "ok" && record.quality == null;
  });
  if (todo.length === 0 && !unmeasured) return;
  await probeSource(ffmpeg, source);
  const info = source.info;
  if (!info) {
    for (const plan of todo) plan.records.set(source.entry.id, failedRecord(source, source.error!));
    options.progress.tick(todo.length, source.entry.id);
    return;
  }
  const encoded: Branch[] = [];
  for (const plan of todo) {
    if (plan.profile === "source") {
      options.signal?.throwIfAborted();
      plan.records.set(source.entry.id, await linkSource(plan, source, info));
      options.progress.tick(1, source.entry.id);
      continue;
    }
    // An encoder this build lacks (AV1 on ffmpeg.wasm) fails the copy's videos with one clear
    // message each, before any decode; the other copies of the video go on.
    const missing = plan.op.encoder?.library
      ? missingEncoder(plan.op, (await ffmpeg.build()).configuration)
      : null;
    if (missing !== null) {
      plan.records.set(
        source.entry.id,
        failedRecord(source, `Cannot encode "${source.entry.path}" for ${plan.op.id}: ${missing}`),
      );
      options.progress.tick(1, source.entry.id);
      continue;
    }
    let geometry: FrameGeometry;
    try {
      geometry = branchGeometry(plan.op, info.width, info.height, plan.profile);
      // A time operation's graph needs the source's frame rate (an unknown one is refused here,
      // for this video alone).
      if (plan.op.time) timeFilter(plan.op.time, timingOf(info));
    } catch (error) {
      plan.records.set(
        source.entry.id,
        failedRecord(
          source,
          `Cannot encode "${source.entry.path}" (${info.width}x${info.height}) for ` +
            `${plan.op.id}: ${(error as Error).message}`,
        ),
      );
      options.progress.tick(1, source.entry.id);
      continue;
    }
    encoded.push({ plan, geometry });
  }
  const chunks = chunkForBudget(encoded, {
    width: info.width,
    height: info.height,
    budgetBytes: options.budget,
    maxPerRun: options.maxOpsPerProcess,
  });
  for (const chunk of chunks) {
    options.signal?.throwIfAborted();
    await runChunk(ffmpeg, source, info, chunk);
    options.progress.tick(chunk.length, source.entry.id);
  }
  if (options.quality ?? true) {
    options.signal?.throwIfAborted();
    await measureVideoQuality(
      ffmpeg,
      sourceFile(source),
      info,
      plans,
      source.entry.id,
      options.signal,
    );
  }
}

/** One encoded output of a video: its copy plan and the exact geometry it gets. */
interface Branch {
  plan: CopyPlan;
  geometry: FrameGeometry;
}

/**
 * The `unaltered` copy: a hard link to the source's real file (a byte copy across file systems).
 * Never a link of the link: a hard link of a relative symbolic link would dangle in the copy.
 */
async function linkSource(
  plan: CopyPlan,
  source: SourceState,
  info: VideoInfo,
): Promise<CopyVideoRecord> {
  const output = `${COPY_VIDEOS_DIR}/${safeFileStem(source.entry.id)}${
    extname(source.entry.path).toLowerCase()
  }`;
  const target = join(plan.copyDir, output);
  const started = performance.now();
  await Deno.mkdir(join(plan.copyDir, COPY_VIDEOS_DIR), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    const real = sourceFile(source);
    try {
      await Deno.link(real, tmp);
    } catch {
      await Deno.copyFile(real, tmp);
    }
    await Deno.rename(tmp, target);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    return failedRecord(source, `Cannot copy "${source.entry.path}": ${(error as Error).message}`);
  } finally {
    // rename() of two links of one file does nothing (POSIX): a target that is already a link
    // of the source (a redo) would leave the temporary name behind.
    await Deno.remove(tmp).catch(() => {});
  }
  const record: CopyVideoRecord = {
    ...baseRecord(source),
    output,
    outputSha256: source.sha256,
    argv: [],
    seconds: (performance.now() - started) / 1000,
    status: "ok",
    error: null,
    validation: validateOutput(info, info, info.width, info.height, { oneSize: false }),
    geometry: identityFrameGeometry(info.width, info.height),
    ...segmentsRecord(info, identityFrameGeometry(info.width, info.height)),
  };
  await writeRecord(plan.copyDir, record);
  return record;
}

/**
 * The copy record's `segments` for a source whose frame size changes: each later run's source
 * pixels are scaled to the first frame's size (media/video_stream.ts), then mapped by `geometry`.
 * Nothing for a video of one size.
 */
function segmentsRecord(
  info: VideoInfo,
  geometry: FrameGeometry,
): { segments?: FrameGeometrySegment[] } {
  return info.segments.length < 2 ? {} : { segments: sizeRunGeometries(info.segments, geometry) };
}

/** Runs one split process for `chunk`, then validates, hashes and renames each output. */
async function runChunk(
  ffmpeg: Ffmpeg,
  source: SourceState,
  info: VideoInfo,
  chunk: Branch[],
): Promise<void> {
  const targets: Target[] = chunk.map(({ plan, geometry }) => {
    const output = `${COPY_VIDEOS_DIR}/${safeFileStem(source.entry.id)}.mp4`;
    return { plan, geometry, output, final: join(plan.copyDir, output), tmp: "" };
  });
  for (const t of targets) {
    await Deno.mkdir(join(t.plan.copyDir, COPY_VIDEOS_DIR), { recursive: true });
    t.tmp = tempPathFor(t.final);
  }
  const profile = chunk[0].plan.profile;
  const input = sourceFile(source);
  const args = splitGraphArgs(
    input,
    targets.map((t) => ({ op: t.plan.op, path: t.tmp, crop: t.geometry.crop })),
    { profile, info },
  );
  const started = performance.now();
  let argv: string[] = [];
  try {
    const result = await ffmpeg.run({
      args,
      inputs: [input],
      outputs: targets.map((t) => t.tmp),
      subject: source.entry.path,
      action: "distort",
    });
    // Record the command as it would write the final files (the temporary names are noise).
    const finals = new Map(targets.map((t) => [`file:${t.tmp}`, `file:${t.final}`]));
    argv = result.argv.map((arg) => finals.get(arg) ?? arg);
  } catch (error) {
    for (const t of targets) await Deno.remove(t.tmp).catch(() => {});
    if (chunk.length > 1) {
      // One failing branch fails the whole process: retry one operation per process, so only
      // the operations that fail on their own are recorded as failed.
      for (const branch of chunk) await runChunk(ffmpeg, source, info, [branch]);
      return;
    }
    const message = (error as Error).message;
    for (const t of targets) {
      t.plan.records.set(
        source.entry.id,
        failedRecord(source, `${message} [${t.plan.op.id}]`, { argv: ["ffmpeg", ...args] }),
      );
    }
    return;
  }
  const seconds = (performance.now() - started) / 1000 / chunk.length;
  for (const t of targets) {
    const record = await checkOutput(ffmpeg, source, info, t, argv, seconds);
    t.plan.records.set(source.entry.id, record);
  }
}

/** One output file of a split run. */
interface Target extends Branch {
  /** Path relative to the copy folder. */
  output: string;
  /** Absolute final path. */
  final: string;
  /** Absolute temporary path ffmpeg writes. */
  tmp: string;
}

async function checkOutput(
  ffmpeg: Ffmpeg,
  source: SourceState,
  info: VideoInfo,
  t: Target,
  argv: string[],
  seconds: number,
): Promise<CopyVideoRecord> {
  try {
    const out = await ffmpeg.probe(t.tmp);
    const validation = validateOutput(info, out, t.geometry.width, t.geometry.height, {
      time: t.plan.op.time,
    });
    if (!validation.ok) {
      await Deno.remove(t.tmp).catch(() => {});
      return failedRecord(
        source,
        `Output of ${t.plan.op.id} for "${source.entry.path}" failed validation: ` +
          validation.problems.join("; "),
        { argv, validation },
      );
    }
    const outputSha256 = await sha256File(t.tmp);
    await Deno.rename(t.tmp, t.final);
    const record: CopyVideoRecord = {
      ...baseRecord(source),
      output: t.output,
      outputSha256,
      argv,
      seconds,
      status: "ok",
      error: null,
      validation,
      geometry: t.geometry,
      ...segmentsRecord(info, t.geometry),
      // Which source frame each copy frame shows (face boxes follow it; ops/time_map.ts).
      ...(t.plan.op.time ? { time: timeMapOf(t.plan.op.time, info.frameCount) } : {}),
    };
    await writeRecord(t.plan.copyDir, record);
    return record;
  } catch (error) {
    await Deno.remove(t.tmp).catch(() => {});
    return failedRecord(
      source,
      `Cannot validate the ${t.plan.op.id} output of "${source.entry.path}": ` +
        (error as Error).message,
      { argv },
    );
  }
}
