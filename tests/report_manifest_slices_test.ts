/**
 * `report --by <manifest column> --manifest <csv>`: slices by columns the store does not keep
 * (`split`, `dataset`), joined from dataset manifests by video id, against pandas/scikit-learn
 * computed from the store's raw rows merged with the same manifests; the videos on one side
 * of the join only are named, never dropped silently; bad choices are usage errors.
 */
import assert from "node:assert/strict";
import { runDenoTask, skipWithout } from "./_tools.ts";
import { writeFfppStore } from "./ffpp_store_fixture.ts";
import { loadReportData } from "../report/collect.ts";
import { scanStore } from "../store/store.ts";
import { NOT_IN_MANIFEST_SLICE } from "../metrics/manifest_slices.ts";

// Video scores from the raw rows (max over a frame's faces, mean over frames: the fixture's
// rules), merged with the manifests (dataset = the manifest's file stem); per run x op x slice
// of the fakes: AUC of the slice's fakes against all reals, and against the slice's reals.
const ORACLE = String.raw`
import json, os, sys
import pandas as pd
from sklearn.metrics import roc_auc_score
rows = pd.read_csv(sys.argv[1], dtype={"video_id": str})
by = sys.argv[2]
frames = []
for path in sys.argv[3:]:
    m = pd.read_csv(path, dtype=str, keep_default_na=False)
    m["dataset"] = os.path.splitext(os.path.basename(path))[0]
    frames.append(m)
manifest = pd.concat(frames).fillna("")[["id", by]].rename(columns={"id": "video_id", by: "slice"})
rows = rows[rows.status == "ok"]
frame = rows.groupby(["run_id", "op_id", "video_id", "label", "frame_index"])["score"].max()
videos = frame.groupby(level=[0, 1, 2, 3]).mean().reset_index()
videos = videos.merge(manifest, on="video_id", how="left")
videos["slice"] = videos["slice"].fillna("${NOT_IN_MANIFEST_SLICE}").replace("", "(none)")
out = {}
for (run, op), g in videos.groupby(["run_id", "op_id"]):
    reals = g[g.label == 0]
    for value, fakes in g[g.label == 1].groupby("slice"):
        both = pd.concat([fakes, reals])
        own = pd.concat([fakes, reals[reals.slice == value]])
        out[f"{run}|{op}|{value}"] = {
            "auc": roc_auc_score(both.label, both.score),
            "within": roc_auc_score(own.label, own.score) if own.label.nunique() == 2 else None,
            "fakes": len(fakes), "reals": len(reals), "ownReals": int((own.label == 0).sum()),
        }
print(json.dumps(out))
`;

type Oracle = Record<
  string,
  { auc: number; within: number | null; fakes: number; reals: number; ownReals: number }
>;

// Two manifests splitting the store's videos (every third video to "more"), with a split column
// (reals too) and a column only "test" has; one store video in neither, one manifest video
// that the store never scored.
async function writeManifests(dir: string, store: string): Promise<[string, string, string]> {
  const frame = (await scanStore(store)).select("video_id", "label").unique().collectSync();
  const ids = (frame.getColumn("video_id").toArray() as string[]).map(String);
  const labels = frame.getColumn("label").toArray() as number[];
  const order = ids.map((id, i) => ({ id, label: labels[i] })).sort((a, b) => a.id < b.id ? -1 : 1);
  const unlisted = order.find((v) => v.id.startsWith("Deepfakes_"))!.id;
  const test = ["id,path,label,split,camera"];
  const more = ["id,path,label,split"];
  order.forEach((v, i) => {
    if (v.id === unlisted) return;
    const split = i % 2 === 0 ? "test" : "val";
    if (i % 3 === 0) more.push(`${v.id},videos/${v.id}.mp4,${v.label},${split}`);
    else test.push(`${v.id},videos/${v.id}.mp4,${v.label},${split},${i % 4 === 0 ? "" : "cam1"}`);
  });
  test.push("ghost_video,videos/ghost.mp4,1,test,cam1");
  await Deno.mkdir(`${dir}/a`, { recursive: true });
  await Deno.mkdir(`${dir}/b`, { recursive: true });
  await Deno.writeTextFile(`${dir}/a/test.csv`, test.join("\n") + "\n");
  await Deno.writeTextFile(`${dir}/b/more.csv`, more.join("\n") + "\n");
  return [`${dir}/a/test.csv`, `${dir}/b/more.csv`, unlisted];
}

async function oracle(dir: string, store: string, by: string, manifests: string[]) {
  const rows = (await scanStore(store)).select(
    "run_id",
    "op_id",
    "video_id",
    "label",
    "frame_index",
    "score",
    "status",
  ).collectSync();
  rows.writeCSV(`${dir}/rows.csv`);
  const py = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", ORACLE, `${dir}/rows.csv`, by, ...manifests],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(py.code, 0, new TextDecoder().decode(py.stderr));
  return JSON.parse(new TextDecoder().decode(py.stdout)) as Oracle;
}

Deno.test({
  name: "report --by split/dataset --manifest: slice AUCs equal scikit-learn's on the joined rows",
  ignore: skipWithout("python-sklearn", "manifest slice oracle"),
  fn: async (t) => {
    const dir = await Deno.makeTempDir();
    try {
      const store = `${dir}/store`;
      await writeFfppStore(store);
      const [test, more, unlisted] = await writeManifests(dir, store);
      for (
        const [by, protocol] of [
          ["split", "all-reals"],
          ["split", "within"],
          ["dataset", "all-reals"],
          ["camera", "all-reals"],
        ] as const
      ) {
        await t.step(`--by ${by}, ${protocol}`, async () => {
          const want = await oracle(dir, store, by, [test, more]);
          const data = await loadReportData(store, {
            by,
            manifests: [test, more],
            sliceProtocol: protocol,
            bootstrapResamples: 0,
          });
          const fakeSlices = new Set(Object.keys(want).map((k) => k.split("|")[2]));
          const slices = data.slices!.filter((s) => fakeSlices.has(s.value));
          assert.deepEqual(
            new Set(slices.map((s) => s.value)),
            fakeSlices,
            data.slices!.map((s) => s.value).join(),
          );
          // The unlisted store video is a slice of its own, not dropped.
          assert.ok(fakeSlices.has(NOT_IN_MANIFEST_SLICE));
          if (by === "dataset") {
            assert.deepEqual(
              [...fakeSlices].sort(),
              [NOT_IN_MANIFEST_SLICE, "more", "test"].sort(),
            );
          }
          let checked = 0;
          for (const slice of slices) {
            for (const cell of slice.cells) {
              const w = want[`${cell.runId}|${cell.opId}|${slice.value}`];
              assert.ok(w, `${cell.runId} ${cell.opId} ${slice.value}`);
              assert.equal(cell.positives, w.fakes);
              if (protocol === "all-reals") {
                assert.equal(cell.negatives, w.reals);
                assert.ok(Math.abs(cell.auc! - w.auc) < 1e-12, `${cell.auc} vs ${w.auc}`);
              } else {
                assert.equal(cell.negatives, w.ownReals);
                if (w.within === null) assert.equal(cell.auc, null);
                else assert.ok(Math.abs(cell.auc! - w.within) < 1e-12, `${cell.auc}`);
              }
              checked++;
            }
          }
          assert.equal(checked, Object.keys(want).length);
          // Both sides of the join that do not meet are named.
          const notes = data.notes.join("\n");
          assert.match(
            notes,
            new RegExp(`1 video of the store is in no manifest given \\("${unlisted}"\\)`),
          );
          assert.match(notes, /1 video of the manifests has no score .*"ghost_video"/);
        });
      }
      await t.step("the CLI: a manifest column works, bad choices are usage errors", async () => {
        const ok = await runDenoTask("tasks/report.ts", [
          "--store",
          store,
          "--format",
          "json",
          "--by",
          "dataset",
          "--manifest",
          test,
          "--manifest",
          more,
          "--resamples",
          "0",
        ]);
        assert.equal(ok.code, 0, ok.stderr);
        assert.equal(JSON.parse(ok.stdout).slices.by, "dataset");
        assert.match(ok.stderr, /ghost_video/);
        const unknown = await runDenoTask("tasks/report.ts", [
          "--store",
          store,
          "--by",
          "splti",
          "--manifest",
          test,
        ]);
        assert.equal(unknown.code, 2);
        assert.match(
          unknown.stderr,
          /--by must be one of .*face_size, dataset, split, camera, got "splti"/,
        );
        const noManifest = await runDenoTask("tasks/report.ts", [
          "--store",
          store,
          "--by",
          "split",
        ]);
        assert.equal(noManifest.code, 2);
        assert.match(noManifest.stderr, /--manifest <csv>/);
        const noBy = await runDenoTask("tasks/report.ts", ["--store", store, "--manifest", test]);
        assert.equal(noBy.code, 2);
        assert.match(noBy.stderr, /--manifest needs --by/);
        const twice = await runDenoTask("tasks/report.ts", [
          "--store",
          store,
          "--by",
          "split",
          "--manifest",
          test,
          "--manifest",
          test,
        ]);
        assert.equal(twice.code, 2);
        assert.match(twice.stderr, /is in two manifests/);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
