/**
 * The summaries the tasks print are library functions (eval/summary_text.ts,
 * artifacts/distort_summary_text.ts, scale/slurm_text.ts, report/note_lines.ts): tested here on
 * summaries built by hand, without running a task.
 */
import assert from "node:assert/strict";
import type { DistortSummary } from "../artifacts/distort_summary.ts";
import { formatDistortSummary } from "../artifacts/distort_summary_text.ts";
import type { DemoSummary } from "../demo/pipeline.ts";
import { formatDemoSummary } from "../demo/summary_text.ts";
import type { CopySummary } from "../eval/copy_summary.ts";
import type { EvalSummary } from "../eval/evaluate.ts";
import { formatEvalSummary } from "../eval/summary_text.ts";
import { reportNoteLines } from "../report/note_lines.ts";
import type { SlurmOutcome, SlurmPipeline } from "../scale/slurm_scripts.ts";
import {
  slurmJobsText,
  slurmOutcomeText,
  slurmScriptsText,
  slurmStoppedText,
  slurmWaitLine,
} from "../scale/slurm_text.ts";

function copy(fields: Partial<CopySummary> & Pick<CopySummary, "opId">): CopySummary {
  return {
    opCategory: fields.opId === "unaltered" ? "unaltered" : "flip",
    artifactId: "0123456789abcdef",
    unitId: `u_${fields.opId}`,
    skipped: false,
    videos: 3,
    rows: 96,
    statuses: { ok: 90, no_face: 6 },
    failedVideos: 0,
    auc: 0.875,
    n: 3,
    ...fields,
  };
}

function evalSummary(fields: Partial<EvalSummary> = {}): EvalSummary {
  return {
    runId: "run1",
    detector: "demo",
    trainSet: "demo-train",
    modelSha256: "ab",
    faceMode: "sidecar",
    frames: 32,
    copies: [copy({ opId: "unaltered", auc: 1 }), copy({ opId: "hflip" })],
    failures: 0,
    facesScored: 180,
    seconds: 2.5,
    aborted: false,
    pairing: "paired",
    leftOut: [],
    notes: [],
    warnings: [],
    incomplete: [],
    ...fields,
  };
}

Deno.test("formatEvalSummary() gives the head, the clean AUC and one aligned row per copy", () => {
  const lines = formatEvalSummary(evalSummary()).split("\n");
  assert.equal(
    lines[0],
    "detector demo (train set demo-train), run run1, faces sidecar, 32 frames/video",
  );
  assert.equal(lines[1], "clean AUC: 1.0000");
  assert.equal(lines[2], "");
  assert.match(
    lines[3],
    /^op\s+category\s+videos\s+rows\s+ok\s+no_face\s+failed\s+n\s+AUC\s+unit$/,
  );
  assert.match(
    lines[4],
    /^unaltered\s+unaltered\s+3\s+96\s+90\s+6\s+0\s+3\s+1\.0000\s+scored now$/,
  );
  assert.match(lines[5], /^hflip\s+flip\s+3\s+96\s+90\s+6\s+0\s+3\s+0\.8750\s+scored now$/);
  // Columns line up: each copy's AUC starts where the header's does.
  assert.equal(lines[4].indexOf("1.0000"), lines[3].indexOf("AUC"));
  assert.equal(lines[5].indexOf("0.8750"), lines[3].indexOf("AUC"));
  assert.equal(
    lines.at(-1),
    "180 faces scored in 2.5s; 0 failure rows (see the store's status/error columns)",
  );
});

Deno.test("formatEvalSummary() counts failure statuses, and names stored, damaged, stopped and shard runs", () => {
  const text = formatEvalSummary(evalSummary({
    copies: [
      copy({ opId: "unaltered", skipped: true, auc: null, n: 0 }),
      copy({ opId: "hflip", statuses: { ok: 80, video_error: 10, damaged_video: 2 } }),
    ],
    failures: 12,
    aborted: true,
    shard: { index: 1, count: 3 },
    incomplete: [{ opId: "hflip", artifactId: "a", unitId: "u", reason: "shard 0/3 missing" }],
  }));
  assert.match(text, /^clean AUC: -$/m);
  assert.match(text, /^unaltered\s.*\sno videos scored\s+already stored$/m);
  // video_error and damaged_video are failures; ok is not.
  assert.match(text, /^hflip\s+flip\s+3\s+96\s+80\s+0\s+12\s/m);
  assert.match(text, /; already stored copies were not re-scored$/m);
  assert.match(text, /^2 videos not scored \(damaged_video\): their file no longer matches/m);
  assert.match(text, /^stopped early: rerun the same command to finish$/m);
  assert.match(text, /^shard 1\/3: rows and AUCs are this shard's videos; 1 unit\(s\) wait/m);
});

Deno.test("formatEvalSummary() lists warnings and left-out videos, and says nothing of them when there are none", () => {
  const plain = formatEvalSummary(evalSummary());
  assert.doesNotMatch(plain, /warnings|left out/);
  const text = formatEvalSummary(evalSummary({
    warnings: ["boxes of v1 lie outside the frame"],
    notes: ["video bad (fake) left out of its copy (unaltered): video_error"],
    leftOut: [{ videoId: "bad" } as EvalSummary["leftOut"][number]],
  }));
  assert.ok(
    text.includes("\n\nwarnings (no score changed):\n- boxes of v1 lie outside the frame"),
    text,
  );
  assert.ok(
    text.endsWith(
      "left out of the AUCs (1 video x copy; every AUC ranks the videos usable in every copy):\n" +
        "- video bad (fake) left out of its copy (unaltered): video_error",
    ),
    text,
  );
});

function distortSummary(fields: Partial<DistortSummary> = {}): DistortSummary {
  const result = {
    opId: "hflip",
    artifactId: "0123456789abcdef",
    copyDir: "/out/hflip/0123456789abcdef",
    profile: "paper" as const,
    state: "made" as const,
    total: 2,
    ok: 1,
    failed: 1,
    resumedVideos: 0,
    retried: 0,
    failures: [{ videoId: "gone", error: 'Cannot read "gone.mp4": no such file' }],
    seconds: 12.345,
  };
  return {
    manifest: "/data/test.csv",
    out: "/out",
    backend: { backend: "native", ffmpegVersion: "6.1", configuration: "" },
    copies: [result, {
      ...result,
      opId: "unaltered",
      state: "reused",
      ok: 12,
      failed: 0,
      failures: [],
      seconds: 0,
    }],
    failures: 1,
    seconds: 12.5,
    incomplete: [],
    notes: [],
    ...fields,
  };
}

Deno.test("formatDistortSummary() gives one row per copy with counts right-aligned, then the run and its failures", () => {
  const lines = formatDistortSummary(distortSummary()).split("\n");
  assert.equal(lines[0], "operation  artifact          state   ok  failed  ffmpeg s (summed)");
  assert.equal(lines[1], "hflip      0123456789abcdef  made     1       1               12.3");
  assert.equal(lines[2], "unaltered  0123456789abcdef  reused  12       0                0.0");
  assert.equal(lines[3], "");
  assert.equal(lines[4], "2 copies in /out with native ffmpeg 6.1, 12.5s wall time");
  assert.equal(
    lines[5],
    "ffmpeg s (summed): seconds the ffmpeg processes of a copy ran, summed over its videos " +
      "(they run side by side, so the column adds up to more than the wall time)",
  );
  assert.equal(lines[6], "1 failed (video, operation) pairs:");
  assert.equal(lines[7], '  hflip gone: Cannot read "gone.mp4": no such file');
  assert.equal(lines.length, 8);
});

Deno.test("formatDistortSummary() names retried videos, a shard's recorded copies and missing videos", () => {
  const base = distortSummary();
  const text = formatDistortSummary({
    ...base,
    copies: base.copies.map((c) => ({ ...c, retried: 2, failures: [], failed: 0 })),
    shard: { index: 0, count: 2 },
    notes: ["hflip/0123456789abcdef lacks v3 (shard 1/2)"],
  });
  assert.match(
    text,
    /^4 videos of finished copies tried again \(failed before, or file damaged\)$/m,
  );
  assert.doesNotMatch(text, /failed \(video, operation\) pairs/);
  assert.match(text, /^shard 0\/2: "recorded" copies wait for other shards' videos/m);
  assert.ok(text.endsWith("missing: hflip/0123456789abcdef lacks v3 (shard 1/2)"), text);
});

const PIPELINE = {
  out: "/shared/run1",
  shards: 3,
  copies: "/shared/run1/copies",
  store: "/shared/run1/store",
  report: "/shared/run1/report.html",
  logs: "/shared/run1/logs",
  scripts: {
    distort: "/shared/run1/distort.sbatch",
    eval: "/shared/run1/eval.sbatch",
    finish: "/shared/run1/finish.sbatch",
  },
  submitScript: "/shared/run1/submit.sh",
} as SlurmPipeline;
const JOBS = { distort: "101", eval: "102", finish: "103" };

Deno.test("the slurm texts name the scripts, the jobs, the stages waited for and the outcome", async (t) => {
  await t.step("a dry run lists the scripts and how to submit them", () => {
    assert.equal(
      slurmScriptsText(PIPELINE),
      "scripts written (dry run; --submit submits them, or run /shared/run1/submit.sh):\n" +
        "  /shared/run1/distort.sbatch\n  /shared/run1/eval.sbatch\n  /shared/run1/finish.sbatch",
    );
  });
  await t.step("the jobs: arrays 0..N-1 and the finishing job", () => {
    assert.equal(
      slurmJobsText(PIPELINE, JOBS),
      "distort  101       array 0-2\neval     102       array 0-2\nfinish   103       job",
    );
  });
  await t.step("the wait names the stages still queued, in pipeline order", () => {
    assert.equal(slurmWaitLine(JOBS, ["103", "102"]), "waiting for eval, finish");
    assert.equal(slurmWaitLine(JOBS, []), "all jobs ended");
    assert.equal(
      slurmStoppedText(JOBS),
      "stopped waiting; the jobs keep running (scancel 101 102 103 stops them)",
    );
  });
  await t.step("the outcome: the report, or each task that did not end well", () => {
    const ok = { ok: true, tasks: { distort: [], eval: [], finish: [] }, failed: [] };
    assert.equal(
      slurmOutcomeText(PIPELINE, ok),
      "all tasks completed; report: /shared/run1/report.html",
    );
    const failed = {
      ...ok,
      ok: false,
      failed: [{ message: "eval task 1 FAILED (exit 1): log /shared/run1/logs/eval_102_1.log" }],
    } as unknown as SlurmOutcome;
    assert.equal(
      slurmOutcomeText(PIPELINE, failed),
      "1 task(s) did not end well:\n  eval task 1 FAILED (exit 1): log /shared/run1/logs/eval_102_1.log",
    );
  });
});

Deno.test("reportNoteLines() gives warnings first, then notes, each with its prefix", () => {
  assert.deepEqual(
    reportNoteLines({ warnings: ["w1"], notes: ["n1", "n2"] }),
    ["warning: w1", "note: n1", "note: n2"],
  );
  assert.deepEqual(reportNoteLines({ notes: [] }), []);
});

Deno.test("formatDemoSummary() gives one AUC line per operation, the wall time and the report", () => {
  const summary: DemoSummary = {
    out: "/demo",
    report: "/demo/report.html",
    store: "/demo/store",
    backend: "native",
    ffmpegVersion: "6.1",
    cleanAuc: 1,
    auc: { unaltered: 1, h264_crf40: 0.8125, vflip: null },
    n: { unaltered: 48, h264_crf40: 48 },
    leftOut: [],
    seconds: { dataset: 1, distort: 2, eval: 3, report: 0.5, total: 6.5 },
    failures: 0,
  };
  assert.equal(
    formatDemoSummary(summary),
    [
      "operation   video AUC  n",
      "unaltered   1.000      48",
      "h264_crf40  0.813      48",
      "vflip         -        -",
      "",
      "wall time 6.5s (dataset 1.0s, distort 2.0s, eval 3.0s, report 0.5s) with native ffmpeg 6.1",
      "report: /demo/report.html",
    ].join("\n"),
  );
  const failed = formatDemoSummary({
    ...summary,
    failures: 2,
    leftOut: [{ videoId: "v" } as DemoSummary["leftOut"][number]],
  });
  assert.match(failed, /^1 video x copy left out of the AUCs: see the report$/m);
  assert.match(failed, /^2 failures: see the report's notes\nreport: /m);
});

Deno.test("formatEvalSummary() names the run's face minimums and the faces they dropped", () => {
  const plain = formatEvalSummary(evalSummary());
  assert.doesNotMatch(plain, /face minimums|dropped/);
  const text = formatEvalSummary(evalSummary({
    faceMinimums: { score: 0.7, size: 24 },
    facesDropped: 5,
  }));
  assert.match(text.split("\n")[0], /, face minimums: confidence 0\.7, face size 24 px$/);
  assert.match(
    text,
    /; 5 located faces dropped below the face minimums \(the store's faces_dropped column\)/,
  );
  const none = formatEvalSummary(evalSummary({ faceMinimums: { score: null, size: null } }));
  assert.match(none.split("\n")[0], /face minimums: none$/);
});
