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

Deno.test({
  name:
    "deno task eval refuses a spec or sidecar with a misspelt key and accepts ones saved with a byte-order mark",
  ignore: skipWithout("ffmpeg", "eval task"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_eval_task_json_" });
    const ffmpeg = await openFfmpeg("native");
    const bom = (text: string) =>
      new Uint8Array([0xEF, 0xBB, 0xBF, ...new TextEncoder().encode(text)]);
    try {
      const csv = await writeClips(ffmpeg, join(tmp, "data"), [
        { id: "r", label: 0, grey: 50 },
        { id: "f", label: 1, grey: 210 },
      ]);
      await Deno.writeFile(join(tmp, "tiny.onnx"), tinyDetector("mean"));
      const spec = { ...tinySpec(), modelPath: "tiny.onnx" };
      const whole = [[0, 0, 48, 32]];
      const sidecar = {
        schema: "dfrobust.faces/1",
        videos: Object.fromEntries(
          ["r", "f"].map((id) => [id, Object.fromEntries([0, 5].map((i) => [String(i), whole]))]),
        ),
      };
      const write = async (name: string, doc: unknown, withMark = false) => {
        const path = join(tmp, name);
        const text = JSON.stringify(doc, null, 2);
        await (withMark ? Deno.writeFile(path, bom(text)) : Deno.writeTextFile(path, text));
        return path;
      };
      await write("plain_sidecar.json", sidecar);
      const args = (specPath: string, sidecarPath: string, store: string) => [
        "--detector",
        specPath,
        "--data",
        csv,
        "--store",
        join(tmp, store),
        "--faces",
        "sidecar",
        "--sidecar",
        sidecarPath,
        "--frames",
        "2",
        "--json",
      ];

      const plain = await runEval(
        args(await write("plain.json", spec), join(tmp, "plain_sidecar.json"), "store_plain"),
      );
      assert.equal(plain.code, 0, plain.stderr);
      const plainSummary = JSON.parse(plain.stdout);

      await t.step("a spec with a UTF-8 byte-order mark gives the same run id", async () => {
        const run = await runEval(
          args(await write("bom.json", spec, true), join(tmp, "plain_sidecar.json"), "store_bom"),
        );
        assert.equal(run.code, 0, run.stderr);
        const summary = JSON.parse(run.stdout);
        assert.equal(summary.runId, plainSummary.runId);
        assert.equal(summary.copies[0].auc, 1);
      });

      await t.step("a sidecar with a UTF-8 byte-order mark gives the same boxes", async () => {
        // The run id hashes the sidecar's bytes (eval/run_id.ts), so it differs; the scores not.
        const run = await runEval(
          args(
            await write("plain2.json", spec),
            await write("bom_sidecar.json", sidecar, true),
            "store_bom_sidecar",
          ),
        );
        assert.equal(run.code, 0, run.stderr);
        const summary = JSON.parse(run.stdout);
        assert.deepEqual(summary.copies[0].statuses, plainSummary.copies[0].statuses);
        assert.equal(summary.copies[0].auc, 1);
        assert.equal(summary.facesScored, plainSummary.facesScored);
      });

      const refused: { label: string; spec?: unknown; sidecar?: unknown; message: string }[] = [
        {
          label: "a snake_case top-level key in the spec",
          spec: { ...spec, video_rule: "max" },
          message: 'Unknown key "video_rule" in detector spec "<spec>" at video_rule: ' +
            'did you mean "videoRule"?',
        },
        {
          label: "an American spelling in the spec's input",
          spec: { ...spec, input: { ...spec.input, color: "BGR" } },
          message: 'Unknown key "color" in detector spec "<spec>" at input.color: ' +
            'did you mean "colour"?',
        },
        {
          label: "a typo in the spec's output",
          spec: { ...spec, output: { kind: "sigmoid", invret: true } },
          message: 'at output.invret: did you mean "invert"?',
        },
        {
          label: "a spec key with nothing near",
          spec: { ...spec, threshold: 0.5 },
          message: 'Unknown key "threshold" in detector spec "<spec>" at threshold: valid keys are',
        },
        {
          label: "a misspelt sidecar key, in a file with a byte-order mark",
          sidecar: { schema: sidecar.schema, video: sidecar.videos },
          message:
            'Unknown key "video" in face sidecar "<sidecar>" at video: did you mean "videos"?',
        },
      ];
      for (const [i, c] of refused.entries()) {
        await t.step(`${c.label} fails the run, naming the file and the key`, async () => {
          const specPath = await write(`spec_${i}.json`, c.spec ?? spec);
          const sidecarPath = await write(`sidecar_${i}.json`, c.sidecar ?? sidecar, true);
          const run = await runEval(args(specPath, sidecarPath, `store_${i}`));
          assert.equal(run.code, 1, run.stderr);
          assert.ok(
            run.stderr.includes(
              c.message.replace("<spec>", specPath).replace("<sidecar>", sidecarPath),
            ),
            run.stderr,
          );
          assert.equal(run.stdout, "");
        });
      }

      await t.step("a UTF-16 spec is refused with 'save it as UTF-8'", async () => {
        const text = JSON.stringify(spec);
        const bytes = new Uint8Array(2 + 2 * text.length);
        bytes.set([0xFF, 0xFE]);
        for (let i = 0; i < text.length; i++) bytes[2 + 2 * i] = text.charCodeAt(i);
        const path = join(tmp, "utf16.json");
        await Deno.writeFile(path, bytes);
        const run = await runEval(args(path, join(tmp, "plain_sidecar.json"), "store_utf16"));
        assert.equal(run.code, 1, run.stderr);
        assert.ok(run.stderr.includes(`Detector spec "${path}" is UTF-16`), run.stderr);
        assert.match(run.stderr, /save it as UTF-8/);
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
