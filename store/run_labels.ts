/**
 * Which detector run a number belongs to, in words. A run (`run_id`, eval/run_id.ts) is
 * everything that changes its scores: detector spec, model bytes, face mode, frames per video,
 * dfrobust version. A store may hold several runs of one detector and training set (`eval --faces
 * full`, then `--faces ultraface`, into one store); every reader keys its numbers by run id and
 * names a run by its detector, its training set and, only where that is not enough, the
 * *qualifier*: the traits that set it apart from the other runs of its detector and training set
 * (`faces: ultraface`, `16 frames`, `model 3fa2c1d0e4b5`), so `sbi (FF++c23; faces: ultraface)`.
 * A run alone for its detector and training set has no qualifier, and its label is unchanged.
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import { OptionError } from "../util/option_error.ts";
import pl from "../deps/polars.ts";

/** What a run is labelled by: detector, training set and qualifier (absent or "" when alone). */
export interface RunName {
  detector: string;
  /** What the model was trained on; empty when unknown. */
  trainSet: string;
  /** The run's qualifier in the data at hand (see the module doc); absent or "" when alone. */
  run?: string;
}

/**
 * The words naming a run: `detector`, `detector (train set)`, `detector (train set; qualifier)`
 * or `detector (qualifier)`. Two runs of one store with different run ids get different labels
 * when their qualifiers come from {@link runQualifiers} over that store.
 */
export function runLabel(name: RunName): string {
  const parts = [name.trainSet, name.run].filter((p) => p !== undefined && p !== "");
  return parts.length === 0 ? name.detector : `${name.detector} (${parts.join("; ")})`;
}

/** The traits of one run that can set it apart, read from its store rows ({@link runTraits}). */
export interface RunTraits {
  runId: string;
  detector: string;
  trainSet: string;
  modelSha256: string;
  faceMode: string;
  faceRule: string;
  videoRule: string;
  /** Null: videos without a face are left out. */
  failScore: number | null;
  /** Frames sampled per video: the most distinct frame indices stored for one video. */
  frames: number;
  /** Latest `created_at` of the run's rows (ISO 8601). */
  lastWritten: string;
}

// The traits a qualifier may name, in the order named: a trait is named when the runs of one
// detector and training set differ in it. Data, so a new store column is one more record.
const TRAITS: readonly ((t: RunTraits) => string)[] = [
  (t) => `faces: ${t.faceMode}`,
  (t) => `${t.frames} frames`,
  (t) => `face rule: ${t.faceRule}`,
  (t) => `video rule: ${t.videoRule}`,
  (t) => `fail score: ${t.failScore ?? "none"}`,
  (t) => `model ${t.modelSha256.slice(0, 12)}`,
];

/**
 * The qualifier of every run that shares its detector and training set with another run, by run
 * id (runs alone for theirs are not in the map). Names the traits in which the group's runs
 * differ (face mode, frames per video, rules, fail score, model hash); runs still alike (e.g. a
 * new dfrobust version, another sidecar or face model) get `written <UTC minute>`, then their
 * run id. Pure: the traits come from {@link runTraits}.
 */
export function qualifyRuns(traits: readonly RunTraits[]): Map<string, string> {
  const qualifiers = new Map<string, string>();
  for (
    const group of Map.groupBy(traits, (t) => JSON.stringify([t.detector, t.trainSet])).values()
  ) {
    if (group.length < 2) continue;
    const differing = TRAITS.filter((trait) => new Set(group.map(trait)).size > 1);
    const words = new Map(group.map((t) => [t.runId, differing.map((trait) => trait(t))]));
    for (const fallback of [writtenTrait, (t: RunTraits) => `run ${t.runId}`]) {
      for (const alike of Map.groupBy(group, (t) => JSON.stringify(words.get(t.runId))).values()) {
        if (alike.length > 1) { for (const t of alike) words.get(t.runId)!.push(fallback(t)); }
      }
    }
    for (const t of group) qualifiers.set(t.runId, words.get(t.runId)!.join(", "));
  }
  return qualifiers;
}

/**
 * The {@link RunTraits} of every run in a store frame (eager or lazy, e.g. from `scanStore`),
 * sorted by detector, training set, run id. Reads the run columns and, for `frames`, the frame
 * indices of every video.
 */
export function runTraits(frame: pl.DataFrame | pl.LazyDataFrame): RunTraits[] {
  const lazy = asLazy(frame);
  const frames = lazy.filter(pl.col("frame_index").gtEq(0))
    .groupBy(["run_id", "artifact_id", "video_id"])
    .agg(pl.col("frame_index").nUnique().alias("frames"))
    .groupBy("run_id")
    .agg(pl.col("frames").max().alias("frames"));
  const df = lazy.groupBy("run_id")
    .agg(
      ...["detector", "train_set", "model_sha256", "face_mode", "face_rule", "video_rule"].map((
        c,
      ) => pl.col(c).first().alias(c)),
      pl.col("fail_score").first().alias("fail_score"),
      pl.col("created_at").max().alias("last_written"),
    )
    .join(frames, { on: "run_id", how: "left" })
    .sort(["detector", "train_set", "run_id"])
    .collectSync();
  return df.toRecords().map((r) => ({
    runId: String(r.run_id),
    detector: String(r.detector),
    trainSet: String(r.train_set ?? ""),
    modelSha256: String(r.model_sha256),
    faceMode: String(r.face_mode),
    faceRule: String(r.face_rule),
    videoRule: String(r.video_rule),
    failScore: r.fail_score === null || r.fail_score === undefined ? null : Number(r.fail_score),
    frames: Number(r.frames ?? 0),
    lastWritten: String(r.last_written),
  }));
}

/**
 * The qualifiers of the runs in a store frame (eager or lazy): {@link qualifyRuns} over the runs
 * that share their detector and training set with another. A frame with one run per detector
 * and training set costs one read of three columns and gives an empty map.
 */
export function runQualifiers(frame: pl.DataFrame | pl.LazyDataFrame): Map<string, string> {
  const lazy = asLazy(frame);
  const ids = lazy.select("run_id", "detector", "train_set").unique().collectSync().toRecords();
  const shared = [
    ...Map.groupBy(ids, (r) => JSON.stringify([r.detector, r.train_set ?? ""])).values(),
  ]
    .filter((group) => group.length > 1)
    .flatMap((group) => group.map((r) => String(r.run_id)));
  if (shared.length === 0) return new Map();
  return qualifyRuns(runTraits(lazy.filter(pl.col("run_id").isIn(shared))));
}

/** A run as {@link chooseRuns} matches it: id and names. */
export interface RunChoice extends RunName {
  runId: string;
}

/**
 * Thrown by {@link chooseRuns} when a choice names no run; the message lists the runs. An
 * {@link OptionError}: exit 2 in a task.
 */
export class UnknownRunError extends OptionError {
  override name = "UnknownRunError";
}

/**
 * The runs a user chose (e.g. `report --run`), in the order of `runs`. Each choice is matched,
 * after trimming and ignoring case, against every run's id, the start of its id (6 characters
 * or more), its label ({@link runLabel}), its qualifier alone (`faces: ultraface`), its
 * detector, `detector (train set)` and `detector (qualifier)` (Table I's Detector column); it
 * chooses every run it matches. Throws
 * {@link UnknownRunError} naming the choice and listing every run (label and id) when a choice
 * matches none.
 */
export function chooseRuns<T extends RunChoice>(
  runs: readonly T[],
  choices: readonly string[],
): T[] {
  const norm = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();
  const chosen = new Set<string>();
  for (const choice of choices) {
    const want = norm(choice);
    const hits = runs.filter((r) =>
      norm(r.runId) === want || (want.length >= 6 && norm(r.runId).startsWith(want)) ||
      [
        runLabel(r),
        r.run ?? "",
        r.detector,
        runLabel({ ...r, run: "" }),
        runLabel({ ...r, trainSet: "" }),
      ].some((name) => name !== "" && norm(name) === want)
    );
    if (hits.length === 0) {
      throw new UnknownRunError(
        `No run in the store matches "${choice}"; the runs are: ${
          runs.map((r) => `${runLabel(r)} (run id ${r.runId})`).join(", ")
        }` + didYouMeanSuffix(choice, runs.flatMap((r) => [runLabel(r), r.detector])),
      );
    }
    for (const r of hits) chosen.add(r.runId);
  }
  return runs.filter((r) => chosen.has(r.runId));
}

function writtenTrait(t: RunTraits): string {
  return `written ${t.lastWritten.slice(0, 16).replace("T", " ")}`;
}

function asLazy(frame: pl.DataFrame | pl.LazyDataFrame): pl.LazyDataFrame {
  // DataFrame is a Proxy whose `in` sees columns only: tell the two apart by a method.
  return typeof (frame as pl.LazyDataFrame).collectSync === "function"
    ? frame as pl.LazyDataFrame
    : (frame as pl.DataFrame).lazy();
}
