/** Per-operation AUC, Table I, bootstrap intervals, mCE and flip rate on small hand-made stores. */
import assert from "node:assert/strict";
import { scoreFrame, type ScoreRow } from "../store/schema.ts";
import { averagePrecision } from "../metrics/average_precision.ts";
import { bootstrapAuc } from "../metrics/bootstrap.ts";
import {
  AP_METRIC,
  AUC_METRIC,
  CELL_METRICS,
  cellMetric,
  EER_METRIC,
} from "../metrics/cell_metrics.ts";
import { equalErrorRate } from "../metrics/equal_error_rate.ts";
import { flipRates } from "../metrics/flip_rate.ts";
import { corruptionErrors } from "../metrics/mce.ts";
import { MetricError } from "../metrics/metric_error.ts";
import { seededRandom } from "../util/prng.ts";
import { opAucs } from "../metrics/op_auc.ts";
import { rocAuc } from "../metrics/roc_auc.ts";
import { tableOne } from "../metrics/table.ts";
import { videoSet } from "../metrics/video_set.ts";
import { scoreRow } from "./store_fixtures.ts";

const CATEGORY: Record<string, [family: string, category: string]> = {
  unaltered: ["unaltered", "unaltered"],
  h264_crf23: ["h264", "compression"],
  h264_crf40: ["h264", "compression"],
  noise: ["noise", "noise"],
  hflip: ["hflip", "flip"],
  vflip: ["vflip", "flip"],
};

/** Rows of one run on one op: each video is [id, label, frame scores]. */
function copyRows(
  run: { run_id: string; detector: string; train_set?: string },
  opId: string,
  videos: [string, 0 | 1, number[]][],
): ScoreRow[] {
  const [family, category] = CATEGORY[opId];
  return videos.flatMap(([video, label, frames]) =>
    frames.map((score, frame) =>
      scoreRow({
        ...run,
        op_id: opId,
        op_family: family,
        op_category: category,
        video_id: video,
        label,
        frame_index: frame,
        score,
      })
    )
  );
}

const XCEPTION = { run_id: "r-x", detector: "xception" };
// Video means: unaltered a=.9 b=.7 c=.2 d=.4 -> AUC 1; noise a=.3 b=.7 c=.5 d=.1 -> AUC .75.
const ROWS = [
  ...copyRows(XCEPTION, "unaltered", [
    ["a", 1, [0.8, 1]],
    ["b", 1, [0.7, 0.7]],
    ["c", 0, [0.1, 0.3]],
    ["d", 0, [0.4, 0.4]],
  ]),
  ...copyRows(XCEPTION, "noise", [
    ["a", 1, [0.3, 0.3]],
    ["b", 1, [0.6, 0.8]],
    ["c", 0, [0.5, 0.5]],
    ["d", 0, [0.1, 0.1]],
  ]),
  ...copyRows(XCEPTION, "hflip", [["a", 1, [0.9]], ["b", 1, [0.8]]]), // fakes only
];
// hflip lacks c and d: paired (the default) would drop them from every column, so the tests of
// the per-copy arithmetic ask for the unpaired view (paired sets: tests/video_set_test.ts).
const UNPAIRED = { pairing: "unpaired" } as const;

Deno.test("opAucs() scores each copy at video level with deltas against unaltered", () => {
  const aucs = opAucs(scoreFrame(ROWS), UNPAIRED);
  const byOp = Object.fromEntries(aucs.map((a) => [a.opId, a]));
  assert.equal(byOp.unaltered.auc, 1);
  assert.equal(byOp.noise.auc, 0.75);
  assert.equal(byOp.noise.deltaAuc, -0.25);
  assert.equal(byOp.noise.relativeAuc, 0.75);
  assert.equal(byOp.noise.samples, 4);
  assert.equal(byOp.hflip.auc, null);
  assert.match(byOp.hflip.note!, /only fake videos \(2\): AUC undefined/);
});

Deno.test("opAucs() at frame level ranks every scored frame", () => {
  const aucs = opAucs(scoreFrame(ROWS), { ...UNPAIRED, level: "frame" });
  const noise = aucs.find((a) => a.opId === "noise")!;
  const expected = rocAuc([1, 1, 1, 1, 0, 0, 0, 0], [0.3, 0.3, 0.6, 0.8, 0.5, 0.5, 0.1, 0.1]);
  assert.equal(noise.samples, 8);
  assert.equal(noise.auc, expected);
});

Deno.test("opAucs() notes a run without an unaltered copy instead of failing", () => {
  const rows = copyRows(XCEPTION, "noise", [["a", 1, [0.9]], ["c", 0, [0.1]]]);
  const [noise] = opAucs(scoreFrame(rows));
  assert.equal(noise.auc, 1);
  assert.equal(noise.deltaAuc, null);
  assert.match(noise.note!, /no unaltered copy in this run: deltas omitted/);
});

Deno.test("tableOne() lays out Table I from opAucs(): catalog order, category means, average", () => {
  const sbi = { run_id: "r-s", detector: "sbi", train_set: "FF++raw" };
  const rows = [
    ...ROWS,
    ...copyRows(XCEPTION, "vflip", [["a", 1, [0.9]], ["c", 0, [0.1]]]),
    ...copyRows(XCEPTION, "h264_crf40", [["a", 1, [0.2]], ["c", 0, [0.1]]]),
    ...copyRows(XCEPTION, "h264_crf23", [["a", 1, [0.1]], ["c", 0, [0.2]]]),
    ...copyRows(sbi, "noise", [["a", 1, [0.6]], ["c", 0, [0.5]]]),
  ];
  const table = tableOne(opAucs(scoreFrame(rows), UNPAIRED));
  assert.deepEqual(table.columns.map((c) => c.opId), [
    "unaltered",
    "h264_crf23",
    "h264_crf40",
    "noise",
    "hflip",
    "vflip",
  ]);
  assert.deepEqual(table.categories, ["unaltered", "compression", "noise", "flip"]);
  assert.deepEqual(table.rows.map((r) => r.detector), ["sbi", "xception"]);
  const x = table.rows[1];
  assert.equal(x.categoryMeans.compression, 0.5); // (0 + 1) / 2
  assert.equal(x.categoryMeans.flip, 1); // hflip undefined, vflip 1
  assert.equal(x.average, (0 + 1 + 0.75 + 1) / 4); // altered cells with an AUC
  assert.equal(table.rows[0].cells.unaltered, undefined);
  assert.ok(table.notes.some((n) => n.startsWith("xception/FF++c23, hflip: only fake")));
  assert.ok(table.notes.some((n) => n.startsWith("sbi/FF++raw, noise: no unaltered copy")));
  const chosen = tableOne(opAucs(scoreFrame(rows), UNPAIRED), { opIds: ["noise", "unaltered"] });
  assert.deepEqual(chosen.columns.map((c) => c.opId), ["noise", "unaltered"]);
});

Deno.test("a Table I metric is a record: AUC by default, AP or EER when asked", async (t) => {
  await t.step("each record computes its metric function", () => {
    const labels = Uint8Array.from([1, 1, 0, 0, 1, 0]);
    const scores = Float64Array.from([0.9, 0.4, 0.35, 0.8, 0.7, 0.1]);
    assert.deepEqual(CELL_METRICS.map((m) => m.id), ["auc", "ap", "eer"]);
    assert.equal(cellMetric("auc").compute(labels, scores), rocAuc(labels, scores));
    assert.equal(cellMetric("ap").compute(labels, scores), averagePrecision(labels, scores));
    assert.equal(cellMetric("eer").compute(labels, scores), equalErrorRate(labels, scores));
    assert.equal(AUC_METRIC.higherIsBetter, true);
    assert.equal(cellMetric("eer").higherIsBetter, false);
    assert.throws(() => cellMetric("f1"), /Unknown cell metric "f1" \(want one of auc, ap, eer\)/);
  });
  await t.step("opAucs() computes the asked metrics per cell, null where undefined", () => {
    const aucs = opAucs(scoreFrame(ROWS), { ...UNPAIRED, metrics: [AP_METRIC, EER_METRIC] });
    const byOp = Object.fromEntries(aucs.map((a) => [a.opId, a]));
    // noise's video means: a .3, b .7 (fakes), c .5, d .1 (reals).
    const labels = [1, 1, 0, 0];
    const noise = [0.3, 0.7, 0.5, 0.1];
    assert.deepEqual(byOp.noise.metrics, {
      ap: averagePrecision(labels, noise),
      eer: equalErrorRate(labels, noise),
    });
    assert.deepEqual(byOp.hflip.metrics, { ap: null, eer: null });
    assert.equal(opAucs(scoreFrame(ROWS), UNPAIRED)[0].metrics, undefined);
  });
  await t.step("tableOne() shows the asked metric and names it", () => {
    const aucs = opAucs(scoreFrame(ROWS), { ...UNPAIRED, metrics: [AP_METRIC] });
    const table = tableOne(aucs, { metric: AP_METRIC });
    assert.equal(table.metric, "ap");
    const row = table.rows[0];
    assert.equal(row.values.noise, aucs.find((a) => a.opId === "noise")!.metrics!.ap);
    assert.equal(row.average, row.values.noise); // hflip has no AP
    assert.equal(tableOne(aucs).metric, undefined);
    assert.equal(tableOne(aucs).rows[0].values.noise, 0.75);
  });
});

Deno.test("bootstrapAuc() gives the same interval for the same seed, around the estimate", () => {
  const labels = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const scores = labels.map((l, i) => ((i * 7919) % 101) / 100 * 0.7 + l * 0.3);
  const a = bootstrapAuc(labels, scores, { seed: 3, resamples: 300 });
  const b = bootstrapAuc(labels, scores, { seed: 3, resamples: 300 });
  const c = bootstrapAuc(labels, scores, { seed: 4, resamples: 300 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(a.estimate, rocAuc(labels, scores));
  assert.ok(a.low < a.estimate && a.estimate < a.high && a.high <= 1);
  assert.equal(a.resamples, 300);
  assert.equal(a.skipped, 0);
  // Clusters: resampling 4 "videos" of 50 frames each cannot be narrower than pure noise allows.
  const clusters = labels.map((_, i) => `v${i % 3 === 0 ? i % 2 : 2 + (i % 2)}`);
  const clustered = bootstrapAuc(labels, scores, { seed: 3, resamples: 100, clusters });
  assert.equal(clustered.resamples, 100);
  assert.throws(
    () => bootstrapAuc(labels, scores, { clusters: labels.map(() => "one") }),
    /holds both labels/,
  );
});

Deno.test("corruptionErrors() normalises summed AUC errors by the reference's", () => {
  const record = (runId: string, opId: string, auc: number | null) => ({
    runId,
    detector: runId,
    trainSet: "t",
    opId,
    opFamily: CATEGORY[opId][0],
    opCategory: CATEGORY[opId][1],
    severity: null,
    level: "video" as const,
    samples: 10,
    positives: 5,
    negatives: 5,
    auc,
    deltaAuc: null,
    relativeAuc: null,
  });
  const aucs = [
    record("ref", "unaltered", 0.99),
    record("ref", "h264_crf23", 0.9),
    record("ref", "h264_crf40", 0.7),
    record("ref", "noise", 1),
    record("d", "h264_crf23", 0.95),
    record("d", "h264_crf40", 0.85),
    record("d", "noise", 0.8),
  ];
  const errors = corruptionErrors(aucs, { reference: "ref" });
  const d = errors.find((e) => e.runId === "d")!;
  assert.ok(Math.abs(d.families.h264! - (0.05 + 0.15) / (0.1 + 0.3)) < 1e-12);
  assert.equal(d.families.noise, null);
  assert.match(d.notes.join(), /reference is perfect/);
  assert.equal(d.mce, d.families.h264);
  assert.equal(errors.find((e) => e.runId === "ref")!.mce, 1);
  assert.throws(() => corruptionErrors(aucs, { reference: "nobody" }), MetricError);
});

Deno.test("flipRates() counts decision flips between consecutive scored frames", () => {
  const rows = [
    // Decisions 1,0,1 -> 2 flips in 2 pairs; 0,0 -> 0 flips in 1 pair; one frame -> no pair.
    ...copyRows(XCEPTION, "noise", [["a", 1, [0.9, 0.2, 0.5]], ["b", 0, [0.1, 0.4]], [
      "c",
      0,
      [0.7],
    ]]),
    // A frame without a face between two scored ones does not break the pair.
    ...copyRows(XCEPTION, "unaltered", [["a", 1, [0.6, 0.6, 0.1]]]).map((r, i) =>
      i === 1 ? { ...r, score: null, status: "no_face" as const } : r
    ),
  ];
  const rates = flipRates(scoreFrame(rows));
  const noise = rates.find((r) => r.opId === "noise")!;
  assert.deepEqual([noise.videos, noise.pairs, noise.flips, noise.rate], [2, 3, 2, 2 / 3]);
  const unaltered = rates.find((r) => r.opId === "unaltered")!;
  assert.deepEqual([unaltered.pairs, unaltered.flips], [1, 1]);
  assert.equal(
    flipRates(scoreFrame(rows), { threshold: 0.05 }).find((r) => r.opId === "noise")!.flips,
    0,
  );
});

Deno.test("opAucs() adds seeded bootstrap intervals, resampling videos at frame level", () => {
  const random = seededRandom(5);
  const videos: [string, 0 | 1, number[]][] = Array.from({ length: 30 }, (_, v) => {
    const label = (v % 2) as 0 | 1;
    const frames = [0, 1, 2].map(() => random() * 0.7 + label * 0.2);
    return [`v${v}`, label, frames];
  });
  const rows = copyRows(XCEPTION, "unaltered", videos);
  for (const level of ["video", "frame"] as const) {
    const options = { level, bootstrap: { seed: 1, resamples: 200 } };
    const [a] = opAucs(scoreFrame(rows), options);
    const [b] = opAucs(scoreFrame(rows), options);
    assert.equal(a.samples, level === "video" ? 30 : 90);
    assert.ok(a.ciLow! <= a.auc! && a.auc! <= a.ciHigh!, `${level}: ${JSON.stringify(a)}`);
    assert.ok(a.ciHigh! - a.ciLow! > 0.01);
    assert.deepEqual([a.ciLow, a.ciHigh], [b.ciLow, b.ciHigh]);
  }
});

Deno.test("tableOne(), opAucs() and videoSet() order detector names alike, by code units, whatever the locale", () => {
  // localeCompare would put "capsule" before "Xception" and "h264" beside "H264"; code units put
  // upper case first. Every sort of names follows util/compare.ts.
  const names = ["xception", "Xception", "capsule", "SBI", "sbi_v2", "sbi"];
  const rows = names.flatMap((detector, i) =>
    copyRows({ run_id: `r-${i}`, detector }, "unaltered", [["a", 1, [0.8]], ["c", 0, [0.1]]])
  );
  const expected = ["SBI", "Xception", "capsule", "sbi", "sbi_v2", "xception"];
  const frame = scoreFrame(rows);
  assert.deepEqual(tableOne(opAucs(frame)).rows.map((r) => r.detector), expected);
  assert.deepEqual(opAucs(frame).map((c) => c.detector), expected);
  assert.deepEqual(videoSet(frame).copies.map((c) => c.detector), expected);
});
