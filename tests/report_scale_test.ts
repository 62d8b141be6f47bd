/**
 * The report at scale (issue 28): the store reduced part by part gives the same video outcomes
 * and run summaries as the whole store at once (also when a video's rows lie in two parts), the
 * ROC chart is thinned to a bounded number of the curve's corner points, `--resamples` sets the
 * bootstrap, and a terminal gets one summary per run instead of a line per left-out video.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type pl from "../deps/polars.ts";
import { rocCurve } from "../metrics/roc_curve.ts";
import { thinCurve } from "../report/charts.ts";
import { listRuns, runSummaries } from "../store/runs.ts";
import type { ScoreRow } from "../store/schema.ts";
import { scanStore, scanStoreParts, writeUnit } from "../store/store.ts";
import { videoOutcomes, videoOutcomesByPart } from "../store/video_scores.ts";
import { seededRandom } from "../util/prng.ts";
import { runDenoTask } from "./_tools.ts";
import { scoreRow } from "./store_fixtures.ts";

const report = (args: string[]) => runDenoTask("tasks/report.ts", args);

/**
 * A store of `videos` videos (half fake) x 2 frames in `unaltered` and `noise`, one run of
 * `xception`; the first `unread` videos have a decode error in `noise`. `split`: the noise
 * copy's rows in two parts, the first scored video's two frames one in each.
 */
async function writeStore(
  store: string,
  videos: number,
  unread: number,
  split = false,
): Promise<void> {
  const random = seededRandom(7);
  for (const opId of ["unaltered", "noise"]) {
    const rows: ScoreRow[] = [];
    for (let v = 0; v < videos; v++) {
      const label = v % 2 === 0 ? 1 : 0;
      const base = {
        op_id: opId,
        op_family: opId,
        op_category: opId === "noise" ? "noise" : "unaltered",
        artifact_id: `copy-${opId}`,
        video_id: `v${String(v).padStart(3, "0")}`,
        label: label as 0 | 1,
      };
      if (opId === "noise" && v < unread) {
        rows.push(scoreRow({
          ...base,
          frame_index: -1,
          face_index: -1,
          score: null,
          status: "decode_error",
          error: `cannot decode v${v}.mp4`,
        }));
        continue;
      }
      for (const frame of [0, 5]) {
        rows.push(scoreRow({ ...base, frame_index: frame, score: 0.3 * label + 0.7 * random() }));
      }
    }
    if (split && opId === "noise") {
      const [first, second] = [rows.slice(0, unread + 1), rows.slice(unread + 1)];
      await writeUnit(store, { detector: "xception", opId, unitId: "run1-a" }, first);
      await writeUnit(store, { detector: "xception", opId, unitId: "run1-b" }, second);
    } else await writeUnit(store, { detector: "xception", opId, unitId: "run1" }, rows);
  }
}

function records(frame: pl.DataFrame): string {
  return JSON.stringify(frame.toRecords());
}

Deno.test("video outcomes and run summaries part by part equal the whole store's", async () => {
  for (const split of [false, true]) {
    const store = await Deno.makeTempDir();
    try {
      await writeStore(store, 20, 3, split);
      const parts = await scanStoreParts(store);
      assert.equal(parts.length, split ? 3 : 2);
      const whole = videoOutcomes(await scanStore(store)).collectSync();
      // Split: video v003's noise rows lie in two parts, and are still one outcome.
      assert.equal(whole.height, 40);
      assert.equal(records(videoOutcomesByPart(parts).collectSync()), records(whole));
      assert.deepEqual(runSummaries(parts), await listRuns(store));
      const [run] = runSummaries(parts);
      assert.equal(run.rows, 20 * 2 + 17 * 2 + 3);
      assert.equal(run.videos, 20);
    } finally {
      await Deno.remove(store, { recursive: true });
    }
  }
});

Deno.test("thinCurve() keeps a bounded number of corner points, none far from the curve", () => {
  const random = seededRandom(3);
  const n = 20_000;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
  const scores = Float64Array.from(labels, (l) => random() + 0.3 * l);
  const curve = rocCurve(labels, scores);
  const points = Array.from(curve.fpr, (fpr, i) => ({ fpr, tpr: curve.tpr[i] }));
  assert.ok(points.length > 5000, `a curve of ${points.length} corners`);
  const tolerance = 1 / 260;
  const kept = thinCurve(points, tolerance);
  assert.ok(kept.length <= 2 / tolerance + 2, `${kept.length} points kept`);
  assert.deepEqual(kept[0], points[0]);
  assert.deepEqual(kept[kept.length - 1], points[points.length - 1]);
  // Every corner dropped lies within the tolerance of the last corner kept before it.
  let last = 0;
  for (const p of points) {
    if (kept[last + 1] === p) last++;
    else if (kept[last] !== p) {
      assert.ok(Math.abs(p.fpr - kept[last].fpr) < tolerance);
      assert.ok(Math.abs(p.tpr - kept[last].tpr) < tolerance);
    }
  }
  assert.deepEqual(thinCurve(points.slice(0, 2), tolerance), points.slice(0, 2));
});

Deno.test("report: --resamples sets the bootstrap; the terminal gets a left-out summary", async (t) => {
  const store = await Deno.makeTempDir();
  try {
    await writeStore(store, 40, 14);
    await t.step(
      "--resamples 0 leaves the intervals out; a bad value is a usage error",
      async () => {
        const none = await report(["--store", store, "--format", "json", "--resamples", "0"]);
        assert.equal(none.code, 0, none.stderr);
        const cell = JSON.parse(none.stdout).rows[0].cells.unaltered;
        assert.equal(cell.ciLow, undefined);
        const some = await report(["--store", store, "--format", "json", "--resamples", "50"]);
        assert.equal(typeof JSON.parse(some.stdout).rows[0].cells.unaltered.ciLow, "number");
        for (const bad of ["-1", "1.5", "many"]) {
          const refused = await report(["--store", store, "--format", "md", `--resamples=${bad}`]);
          assert.equal(refused.code, 2, bad);
          assert.match(refused.stderr, /--resamples wants a whole number >= 0/);
        }
      },
    );
    await t.step("the HTML report names the resamples", async () => {
      const out = join(store, "r.html");
      const html = await report(["--store", store, "--out", out, "--resamples", "40"]);
      assert.equal(html.code, 0, html.stderr);
      assert.match(await Deno.readTextFile(out), /bootstrap over 40 resamples of the videos/);
      // The HTML keeps a note per left-out video.
      assert.match(await Deno.readTextFile(out), /video v013 \(real\) left out of/);
    });
    await t.step("14 left-out videos: one summary line on stderr, not 14", async () => {
      const md = await report(["--store", store, "--format", "md", "--resamples", "0"]);
      assert.equal(md.code, 0, md.stderr);
      assert.doesNotMatch(md.stderr, /video v0\d\d \(/);
      assert.match(
        md.stderr,
        /note: xception \(FF\+\+c23\): 14 videos left out of some AUC \(14 decode_error, 14 paired\)/,
      );
    });
  } finally {
    await Deno.remove(store, { recursive: true });
  }
});
