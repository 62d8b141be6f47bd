/**
 * Shared by the shard suites (by hand, and as Slurm job arrays): a small demo test set, the flags
 * of its distort and eval runs, and comparisons of two runs' copies and stores: what must be
 * identical between a single-machine run and a sharded one, and what must be left behind by none.
 * @module
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { readCopyManifest } from "../artifacts/copy_manifest.ts";
import { listCopyFolders } from "../artifacts/copies.ts";
import { generateDemoDataset } from "../demo/dataset.ts";
import { DEMO_MODEL_PATH } from "../detectors/demo.ts";
import pl from "../deps/polars.ts";
import { listParts } from "../store/store.ts";
import { sha256File } from "../util/hash.ts";
import { runDenoTask } from "./_tools.ts";
import { sharedFixture } from "./_shared_fixture.ts";

/** Operations of the shard suites: geometry changes, compression, noise, a filter. */
export const SHARD_OPS = "unaltered,h264_crf40,noise,hflip,res_half,grayscale";

/** The small demo test set (3 real + 3 fake clips, 24 frames, 128x128) in `dir`. */
export async function smallDemo(dir: string): Promise<{ manifest: string; faces: string }> {
  const data = await generateDemoDataset(dir, { reals: 3, frames: 24, size: 128 });
  return { manifest: data.manifestPath, faces: data.facesPath };
}

/** The small demo set and the single-machine run the shard suites compare their shards with. */
export interface SingleMachineRun {
  data: { manifest: string; faces: string };
  /** Copies made by one `deno task distort` of {@link SHARD_OPS}. */
  copies: string;
  /** Store written by one `deno task eval` of those copies. */
  store: string;
}

/**
 * The small demo set with one single-machine `distort` and `eval` run of it (the tasks, in
 * subprocesses), built once per `deno test` run and shared by the shard suites
 * (tests/_shared_fixture.ts): read only. Throws naming the task and its output when one fails.
 */
export async function singleMachineRun(): Promise<SingleMachineRun> {
  const key = { reals: 3, frames: 24, size: 128, ops: SHARD_OPS };
  // A folder name with a space, as the suites' own folders have: every path the tasks and the
  // Slurm scripts are given must survive one.
  const within = (dir: string) => join(dir, "small demo");
  const dir = await sharedFixture("shard-single-run", key, async (dir) => {
    const data = await smallDemo(join(within(dir), "data"));
    await runTask("tasks/distort.ts", distortFlags(data, join(within(dir), "copies")));
    await runTask("tasks/eval.ts", [
      ...evalFlags(data),
      ...["--data", join(within(dir), "copies"), "--store", join(within(dir), "store")],
    ]);
  });
  return {
    data: {
      manifest: join(within(dir), "data", "dataset.csv"),
      faces: join(within(dir), "data", "faces.json"),
    },
    copies: join(within(dir), "copies"),
    store: join(within(dir), "store"),
  };
}

async function runTask(file: string, args: string[]): Promise<void> {
  const run = await runDenoTask(file, args);
  assert.equal(run.code, 0, `${file} ${args.join(" ")}\n${run.stdout}\n${run.stderr}`);
}

/** Flags of `distort` for the small demo set into `out`. */
export function distortFlags(data: { manifest: string }, out: string): string[] {
  return ["--manifest", data.manifest, "--ops", SHARD_OPS, "--out", out];
}

/** Flags of `eval` (demo detector, sidecar faces) without `--data`/`--store`. */
export function evalFlags(data: { faces: string }): string[] {
  return [
    ...["--detector", "demo", "--model", DEMO_MODEL_PATH],
    ...["--faces", "sidecar", "--sidecar", data.faces],
  ];
}

/** What must be equal in two runs' copy: everything but timings and the folder it lives in. */
interface CopyFacts {
  artifactId: string;
  datasetCsv: string;
  videos: unknown[];
  /** SHA-256 of every video file, read from disk (byte for byte). */
  files: Record<string, string>;
}

/** The facts of every finished copy under `copies`, by `<op>/<artifactId>`. */
export async function copyFacts(copies: string): Promise<Map<string, CopyFacts>> {
  const facts = new Map<string, CopyFacts>();
  for (const folder of await listCopyFolders(copies)) {
    assert.ok(folder.finished, `${folder.dir} has no manifest`);
    const manifest = (await readCopyManifest(folder.dir))!;
    const files: Record<string, string> = {};
    for (const video of manifest.videos) {
      if (video.output) files[video.output] = await sha256File(join(folder.dir, video.output));
    }
    facts.set(`${folder.opId}/${folder.artifactId}`, {
      artifactId: manifest.artifactId,
      datasetCsv: await Deno.readTextFile(join(folder.dir, "dataset.csv")),
      // The argv names the output by its absolute path: compare it relative to the copies folder.
      videos: manifest.videos.map(({ seconds: _s, argv, ...video }) => ({
        ...video,
        argv: argv.map((arg) => arg.replaceAll(copies, "<copies>")),
      })),
      files,
    });
  }
  return facts;
}

/** Rows of every part under `store` (created_at left out: it is when a part was written). */
export async function storeRows(store: string): Promise<Map<string, unknown[]>> {
  const parts = new Map<string, unknown[]>();
  for (const path of await listParts(store)) {
    parts.set(relative(store, path), pl.readParquet(path).drop("created_at").toRecords());
  }
  return parts;
}

/** Asserts that two runs made the same copies, byte for byte, and the same store, row for row. */
export async function assertSameRuns(
  single: { copies: string; store: string },
  sharded: { copies: string; store: string },
): Promise<void> {
  const a = await copyFacts(single.copies);
  const b = await copyFacts(sharded.copies);
  assert.deepEqual([...b.keys()], [...a.keys()], "the same copies (op/artifact id)");
  for (const [key, facts] of a) assert.deepEqual(b.get(key), facts, key);
  const rowsA = await storeRows(single.store);
  const rowsB = await storeRows(sharded.store);
  assert.deepEqual([...rowsB.keys()], [...rowsA.keys()], "the same parts");
  for (const [part, rows] of rowsA) assert.deepEqual(rowsB.get(part), rows, part);
}

/**
 * Asserts that no (op, video, frame, face) has two rows anywhere in `store` (every part, shard
 * parts included).
 */
export async function assertNoDuplicates(store: string): Promise<void> {
  const frames = (await listParts(store)).map((path) => pl.readParquet(path));
  const all = pl.concat(frames, { how: "vertical" });
  const keys = ["op_id", "artifact_id", "video_id", "frame_index", "face_index"];
  assert.equal(all.select(...keys).unique().height, all.height, "duplicate rows");
}

/**
 * Paths under `dir` a finished run must not leave: temporary files, locks, takeover folders,
 * per-video records, shard parts.
 */
export async function leftovers(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(folder: string): Promise<void> {
    for await (const entry of Deno.readDir(folder)) {
      const path = join(folder, entry.name);
      if (
        /\.tmp$|\.lock$|\.takeover$|^\.records$|\.shard-\d+of\d+\.parquet$/.test(entry.name)
      ) found.push(relative(dir, path));
      else if (entry.isDirectory) await walk(path);
    }
  }
  await walk(dir);
  return found.sort();
}
