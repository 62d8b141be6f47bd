/** The UltraFace model is never bundled: eval says where to get it and how to pass it. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { evaluate } from "../eval/evaluate.ts";
import {
  FACE_MODEL_ENV,
  faceModelFor,
  FaceModelMissingError,
  ULTRAFACE_MODEL,
} from "../eval/face_model.ts";
import { OptionError } from "../util/option_error.ts";
import { sha256File } from "../util/hash.ts";
import { tinyDetector, tinySpec } from "./eval_fixtures.ts";
import { runDenoTask } from "./_tools.ts";
import { FIXTURES, skipWithoutFixtures } from "./_fixtures.ts";
import type { EnvLookup } from "../util/env_lookup.ts";

/** What the message must hold: the file, its upstream source and hash, and both ways to pass it. */
function assertSaysWhereToGetIt(message: string): void {
  assert.match(message, /needs the UltraFace face detector model version-RFB-320\.onnx/);
  assert.ok(
    message.includes(
      "download models/onnx/version-RFB-320.onnx from " +
        "https://github.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB",
    ),
    message,
  );
  assert.ok(message.includes(`sha256 ${ULTRAFACE_MODEL.sha256}`), message);
  assert.match(message, /--face-model <path>/);
  assert.match(message, /DFROBUST_FACE_MODEL=<path>/);
  assert.match(message, /--faces sidecar/);
}

Deno.test("deno task eval without a face model says where to get one, before loading anything", async () => {
  // The options are good, the model file and data are missing: the face model is checked before
  // them, so only it is named. (A bad option, such as an unknown detector, comes first:
  // tests/cli_errors_test.ts.)
  const run = await runDenoTask("tasks/eval.ts", [
    "--detector",
    "xception",
    "--model",
    "/nonexistent/model.onnx",
    "--data",
    "/nonexistent/copies",
    "--store",
    "/nonexistent/store",
  ], { env: { [FACE_MODEL_ENV]: "" } });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^error: Face mode "ultraface" needs/);
  assertSaysWhereToGetIt(run.stderr);
  assert.doesNotMatch(run.stderr, /model\.onnx"|copies/);
});

/** An environment holding only DFROBUST_FACE_MODEL (unset for undefined), for `env` options. */
function faceModelEnv(value: string | undefined): EnvLookup {
  return (name) => (name === FACE_MODEL_ENV ? value || undefined : undefined);
}

Deno.test("evaluate() without a face model rejects in the ultraface and reference modes", async (t) => {
  for (const faces of ["ultraface", "reference"] as const) {
    await t.step(faces, async () => {
      const error = await evaluate({
        spec: tinySpec(),
        modelPath: "/nonexistent/model.onnx",
        data: "/nonexistent/copies",
        store: "/nonexistent/store",
        faces,
        env: faceModelEnv(undefined),
      }).then(() => null, (e) => e);
      assert.ok(error instanceof FaceModelMissingError, String(error));
      assert.ok(error instanceof OptionError, "an option error: exit 2 in a task");
      assert.match(error.message, new RegExp(`^Face mode "${faces}" needs`));
      assertSaysWhereToGetIt(error.message);
    });
  }
});

Deno.test("faceModelFor() takes --face-model, then DFROBUST_FACE_MODEL; sidecar and full need none", () => {
  const set = faceModelEnv("/models/from-env.onnx");
  assert.equal(faceModelFor("ultraface", "/models/flag.onnx", set), "/models/flag.onnx");
  assert.equal(faceModelFor("reference", undefined, set), "/models/from-env.onnx");
  assert.equal(faceModelFor("sidecar", undefined, set), undefined);
  assert.equal(faceModelFor("full", "/models/flag.onnx", set), undefined);
  const empty = faceModelEnv("");
  assert.throws(() => faceModelFor("ultraface", undefined, empty), FaceModelMissingError);
  assert.equal(faceModelFor("full", undefined, empty), undefined);
});

Deno.test("deno task eval opens the face model DFROBUST_FACE_MODEL names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_face_model_" });
  try {
    await Deno.writeFile(join(dir, "tiny.onnx"), tinyDetector("mean"));
    await Deno.writeTextFile(
      join(dir, "tiny.json"),
      JSON.stringify({ ...tinySpec(), modelPath: "tiny.onnx" }),
    );
    await Deno.writeTextFile(join(dir, "dataset.csv"), "id,path,label\nv,v.mp4,1\n");
    const run = await runDenoTask("tasks/eval.ts", [
      "--detector",
      join(dir, "tiny.json"),
      "--data",
      join(dir, "dataset.csv"),
      "--store",
      join(dir, "store"),
    ], { env: { [FACE_MODEL_ENV]: join(dir, "face.onnx") } });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /Face model ".*face\.onnx" does not exist/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "the sha256 the message gives is the one of the UltraFace model the tests run",
  ignore: skipWithoutFixtures("ultraface", "UltraFace model hash"),
  async fn() {
    const fixture = join(FIXTURES, "ultraface", ULTRAFACE_MODEL.file);
    assert.equal(await sha256File(fixture), ULTRAFACE_MODEL.sha256);
  },
});
