/**
 * The library from anywhere: a script in a folder outside the repository, with no deno.json or
 * package.json there, imports mod.ts by file URL and runs with scoped permissions. Every npm
 * package (native add-ons included) then comes from Deno's own npm cache, never from the
 * repository's node_modules (read access to it is denied).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "../deps/sharp.ts";
import { opAucs } from "../metrics/op_auc.ts";
import { scanStore } from "../store/store.ts";
import { assertNoProjectAbove, denoCacheFolders, REPO } from "./_outside.ts";

// The demo pipeline in miniature, on ffmpeg.wasm (no process spawned): polars writes and reads
// the store, onnxruntime runs the bundled demo model, sharp draws the frame strip, and rocAuc
// ranks the video scores.
const SCRIPT = `
import {
  DEMO, DEMO_MODEL_PATH, distortDataset, evaluate, frameStrip, generateDemoDataset, opAucs,
  openFfmpeg, rocAuc, scanStore, videoScores,
} from ${JSON.stringify(new URL("mod.ts", `file://${REPO}`).href)};

const ffmpeg = await openFfmpeg("wasm");
try {
  const data = await generateDemoDataset("data", { reals: 3, frames: 8, size: 128, ffmpeg });
  const distorted = await distortDataset(data.manifestPath, {
    out: "copies", ops: "unaltered,hflip", ffmpeg,
  });
  const summary = await evaluate({
    spec: DEMO, modelPath: DEMO_MODEL_PATH, data: "copies", store: "store", faces: "sidecar",
    sidecar: data.facesPath, frames: 4, ffmpeg,
  });
  const rows = await scanStore("store");
  const unaltered = videoScores(rows).collectSync().toRecords()
    .filter((v) => v.op_id === "unaltered");
  const strip = await frameStrip("copies", data.entries[0].id, { ffmpeg, height: 64 });
  await Deno.writeFile("strip.png", strip.png);
  console.log(JSON.stringify({
    backend: ffmpeg.backend,
    videos: data.entries.length,
    distortFailures: distorted.failures,
    rows: summary.copies.map((c) => [c.opId, c.rows, c.statuses]),
    cells: opAucs(rows).map((c) => [c.opId, c.auc, c.samples]),
    unalteredAuc: rocAuc(unaltered.map((v) => v.label), unaltered.map((v) => v.score)),
    stripOps: strip.ops,
  }));
} finally {
  await ffmpeg.close();
}
`;

Deno.test("a script outside the repository imports mod.ts and runs polars, onnxruntime, sharp and the metrics", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_outside_script_" });
  try {
    await assertNoProjectAbove(dir);
    await Deno.writeTextFile(join(dir, "score.ts"), SCRIPT);
    const { npmCache } = await denoCacheFolders();
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        `--allow-read=${REPO},${dir},${npmCache}`,
        `--deny-read=${join(REPO, "node_modules")}`,
        `--allow-write=${dir}`,
        `--allow-ffi=${npmCache}`,
        "--allow-env",
        "--allow-sys",
        "score.ts",
      ],
      cwd: dir,
      env: { DFROBUST_QUIET: "1", NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    const result = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.equal(result.backend, "wasm");
    assert.equal(result.videos, 6);
    assert.equal(result.distortFailures, 0);
    // 6 videos x 4 frames x one sidecar face per frame, every one scored by the demo model.
    assert.deepEqual(result.rows, [
      ["unaltered", 24, { ok: 24 }],
      ["hflip", 24, { ok: 24 }],
    ]);
    assert.deepEqual(result.stripOps, ["unaltered", "hflip"]);

    // This process reads the store the script wrote and gets the script's numbers.
    const cells = opAucs(await scanStore(join(dir, "store")));
    assert.deepEqual(result.cells, cells.map((c) => [c.opId, c.auc, c.samples]));
    const unaltered = cells.find((c) => c.opId === "unaltered")!;
    assert.equal(unaltered.samples, 6);
    assert.equal(result.unalteredAuc, unaltered.auc);
    assert.ok(unaltered.auc! >= 0 && unaltered.auc! <= 1);

    const strip = await sharp(await Deno.readFile(join(dir, "strip.png"))).metadata();
    assert.equal(strip.format, "png");
    // Two 64-px tiles of the square clips, 6 px apart, and a 22-px caption row below.
    assert.deepEqual([strip.width, strip.height], [64 + 6 + 64, 64 + 22]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
