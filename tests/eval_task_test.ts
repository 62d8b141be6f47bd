import assert from "node:assert/strict";
import { join } from "node:path";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { skipWithout } from "./_tools.ts";
import { tinyDetector, tinySpec, writeClips } from "./eval_fixtures.ts";

const TASK = new URL("../tasks/eval.ts", import.meta.url).pathname;
const PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
  "--allow-run=ffmpeg,ffprobe",
];

async function runEval(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, TASK, ...args],
    env: { DFROBUST_QUIET: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("deno task eval --help lists every flag and the exit status rule", async () => {
  const { code, stdout } = await runEval(["--help"]);
  assert.equal(code, 0);
  for (
    const flag of ["--detector", "--model", "--data", "--store", "--faces", "--batch", "--json"]
  ) {
    assert.match(stdout, new RegExp(flag));
  }
  assert.match(stdout, /Exit status/);
});

Deno.test({
  name: "deno task eval scores a dataset, prints a JSON summary and resumes on a rerun",
  ignore: skipWithout("ffmpeg", "eval task"),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_task_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const csv = await writeClips(ffmpeg, join(tmp, "data"), [
        { id: "r", label: 0, grey: 50 },
        { id: "f", label: 1, grey: 210 },
        { id: "bad", label: 1, grey: 0, corrupt: true },
      ]);
      await Deno.writeFile(join(tmp, "tiny.onnx"), tinyDetector("mean"));
      await Deno.writeTextFile(
        join(tmp, "tiny.json"),
        JSON.stringify({ ...tinySpec(), modelPath: "tiny.onnx" }),
      );
      const args = [
        "--detector",
        join(tmp, "tiny.json"),
        "--data",
        csv,
        "--store",
        join(tmp, "store"),
        "--faces",
        "full",
        "--frames",
        "2",
        "--train-set",
        "synthetic",
      ];
      const first = await runEval([...args, "--json"]);
      assert.equal(first.code, 0, first.stderr);
      const summary = JSON.parse(first.stdout);
      assert.equal(summary.detector, "tiny");
      assert.equal(summary.trainSet, "synthetic");
      assert.equal(summary.failures, 1);
      assert.deepEqual(summary.copies[0].statuses, { ok: 4, video_error: 1 });
      assert.equal(summary.copies[0].auc, 1);

      const second = await runEval(args);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /clean AUC: 1\.0000/);
      // n = 2: the corrupt video is not ranked, and the summary says why.
      assert.match(
        second.stdout,
        /unaltered\s+unaltered\s+3\s+5\s+4\s+0\s+1\s+2\s+1\.0000\s+already stored/,
      );
      assert.match(
        second.stdout,
        /video bad \(fake\) left out of its copy \(unaltered\): video_error/,
      );
      assert.deepEqual(
        summary.leftOut.map((v: { videoId: string; reason: string }) => [v.videoId, v.reason]),
        [["bad", "video_error"]],
      );

      const usage = await runEval([...args, "--faces", "nose"]);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /--faces must be one of/);

      const missing = await runEval([...args, "--model", join(tmp, "absent.onnx"), "--force"]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /absent\.onnx/);
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
