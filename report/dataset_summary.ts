/**
 * What the report's numbers were computed on, read from the store: videos per class and per
 * manipulation method, frames sampled per video, which face locator each run used (mode and the
 * SHA-256 of its model or sidecar file) and how many sampled frames held no face, per run and
 * copy. Shown as the report's "Dataset" section (report/dataset_view.ts).
 * @module
 */
import pl from "../deps/polars.ts";
import { statusIs } from "../store/status.ts";

/** Videos of one manipulation method (the manifest's `method`; real videos as it names them). */
export interface MethodCount {
  /** The method, `–` where the manifest gave none. */
  method: string;
  /** 1 = fake, 0 = real. */
  label: 0 | 1;
  /** Distinct videos. */
  videos: number;
}

/** The face locator of one run. */
export interface RunLocator {
  runId: string;
  /** `ultraface`, `sidecar`, `full`, `reference`. */
  faceMode: string;
  /** SHA-256 of the UltraFace model or sidecar file; null when not recorded (`full`, older parts). */
  faceModelSha256: string | null;
}

/** Frames without a face in one run's copy. */
export interface NoFaceCount {
  runId: string;
  opId: string;
  /** Sampled frames read (rows with a frame index, counted once per frame). */
  framesRead: number;
  /** Of those, frames where no face was located (`no_face`). */
  framesWithoutFace: number;
  /** Videos with at least one such frame. */
  videos: number;
}

/** The dataset behind a report. */
export interface DatasetSummary {
  /** Distinct videos (over every copy and run). */
  videos: number;
  /** Real (label 0) videos. */
  real: number;
  /** Fake (label 1) videos. */
  fake: number;
  /** Videos per method and class, most first. */
  methods: MethodCount[];
  /** Frames read per video and copy (a video-level failure reads none): fewest, median, most. */
  framesPerVideo: { min: number; median: number; max: number } | null;
  /** One per run. */
  locators: RunLocator[];
  /** Per run and copy with at least one frame read. */
  noFace: NoFaceCount[];
}

/**
 * The {@link DatasetSummary} of a store frame (the rows a report uses), reduced in Polars:
 * reads only the video, label, method, frame, status and locator columns.
 */
export function datasetSummary(frame: pl.LazyDataFrame): DatasetSummary {
  const videos = frame.select("video_id", "label", "method").unique().collectSync();
  const labels = videos.select("video_id", "label").unique().toRecords();
  const methods = videos.groupBy(["method", "label"]).agg(
    pl.col("video_id").nUnique().alias("videos"),
  ).toRecords().map((r) => ({
    method: r.method === null || r.method === undefined ? "–" : String(r.method),
    label: (Number(r.label) === 1 ? 1 : 0) as 0 | 1,
    videos: Number(r.videos),
  })).sort((a, b) => b.videos - a.videos || a.label - b.label || (a.method < b.method ? -1 : 1));
  // One row per sampled frame read (a frame with two faces has two rows).
  const frames = frame.filter(pl.col("frame_index").gtEq(0))
    .groupBy(["run_id", "op_id", "artifact_id", "video_id", "frame_index"])
    .agg(statusIs("no_face").all().alias("no_face"));
  const perVideo = frames.groupBy(["run_id", "artifact_id", "video_id"]).agg(
    pl.col("frame_index").count().alias("frames"),
  ).select(
    pl.col("frames").min().alias("min"),
    pl.col("frames").median().alias("median"),
    pl.col("frames").max().alias("max"),
  ).collectSync().toRecords()[0];
  const noFace = frames.groupBy(["run_id", "op_id"]).agg(
    pl.col("frame_index").count().alias("read"),
    pl.col("no_face").cast(pl.Float64).sum().alias("without"),
    pl.col("video_id").filter(pl.col("no_face")).nUnique().alias("videos"),
  ).sort(["run_id", "op_id"]).collectSync().toRecords().map((r) => ({
    runId: String(r.run_id),
    opId: String(r.op_id),
    framesRead: Number(r.read),
    framesWithoutFace: Number(r.without),
    videos: Number(r.videos),
  }));
  const locators = frame.select("run_id", "face_mode", "face_model_sha256").unique()
    .sort("run_id").collectSync().toRecords().map((r) => ({
      runId: String(r.run_id),
      faceMode: String(r.face_mode),
      faceModelSha256: typeof r.face_model_sha256 === "string" ? r.face_model_sha256 : null,
    }));
  const fake = labels.filter((r) => Number(r.label) === 1).length;
  return {
    videos: new Set(labels.map((r) => String(r.video_id))).size,
    real: labels.length - fake,
    fake,
    methods,
    framesPerVideo: perVideo && perVideo.min !== null && perVideo.min !== undefined
      ? { min: Number(perVideo.min), median: Number(perVideo.median), max: Number(perVideo.max) }
      : null,
    locators,
    noFace,
  };
}
