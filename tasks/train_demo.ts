/**
 * `deno task train-demo`: rebuild the bundled demo detector (`detectors/models/demo.onnx`) from
 * the generated demo training split. Deterministic: with the same ffmpeg and onnxruntime builds
 * the model comes out byte for byte the same; `--check` verifies that against the committed file
 * instead of overwriting it. `--test` also scores the demo test split and prints its AUC.
 * @module
 */
import { resolve } from "node:path";
import { generateDemoDataset } from "../demo/dataset.ts";
import { DEMO_MODEL_PATH } from "../detectors/demo.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { scoreDemoDataset, trainDemoModel, writeDemoModel } from "../demo/train.ts";
import { sha256File } from "../util/hash.ts";
import { type CommandSpec, runTask } from "../util/cli.ts";
import { formatSeconds } from "../util/progress.ts";

const SPEC: CommandSpec = {
  name: "train-demo",
  summary: "Rebuild the bundled demo detector bit for bit: generate the demo training split " +
    "(64 real + 64 self-blended clips, its own seed), extract the model's own features from 32 " +
    "frames per clip, fit the logistic head, write the ONNX model.",
  flags: {
    out: {
      type: "string",
      description: "Where to write the model.",
      default: "detectors/models/demo.onnx",
      valueName: "<model.onnx>",
    },
    data: {
      type: "string",
      description: "Folder for the generated training split (reused when present).",
      default: ".dfrobust/demo-train",
      valueName: "<dir>",
    },
    check: {
      type: "boolean",
      description:
        "Do not write: compare the rebuilt model with --out and exit 1 when they differ.",
    },
    test: {
      type: "string",
      description: "Also generate (or reuse) the demo test split in this folder and print its " +
        "video-level AUC.",
      valueName: "<dir>",
    },
    json: { type: "boolean", description: "Print the result as JSON on stdout." },
  },
  epilog: "Exit status: 0 when done (with --check: the rebuilt model matches), 1 when it differs " +
    "or training failed, 2 for a usage error.",
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    const started = performance.now();
    const out = resolve(parsed.values.out as string);
    const ffmpeg = await openFfmpeg("auto");
    try {
      const trained = await trainDemoModel({ dataDir: parsed.values.data as string, ffmpeg });
      const trainSeconds = (performance.now() - started) / 1000;
      let matches: boolean | null = null;
      if (parsed.values.check) {
        const committed = await sha256File(out).catch(() => null);
        matches = committed === trained.sha256;
      } else {
        await writeDemoModel(out, trained);
      }
      let testAuc: number | null = null;
      if (typeof parsed.values.test === "string") {
        const test = await generateDemoDataset(parsed.values.test, { split: "test", ffmpeg });
        const scored = parsed.values.check ? null : out;
        // With --check the committed file is left alone: score a temporary copy of the rebuilt one.
        const modelPath = scored ?? await Deno.makeTempFile({ suffix: ".onnx" });
        if (!scored) await Deno.writeFile(modelPath, trained.model);
        try {
          testAuc = (await scoreDemoDataset(modelPath, test, { ffmpeg })).auc;
        } finally {
          if (!scored) await Deno.remove(modelPath).catch(() => {});
        }
      }
      const result = {
        model: out,
        written: !parsed.values.check,
        sha256: trained.sha256,
        bytes: trained.model.length,
        videos: trained.videos,
        frames: trained.frames,
        trainFrameAuc: trained.trainFrameAuc,
        trainLoss: trained.fit.loss,
        testAuc,
        matchesCommitted: matches,
        defaultModel: out === DEMO_MODEL_PATH,
        trainSeconds,
      };
      if (parsed.values.json) {
        console.log(JSON.stringify(result, null, 2));
      } else {
        console.log(
          `${result.written ? "wrote" : "rebuilt"} ${out}: ${result.bytes} bytes, sha256 ` +
            `${result.sha256}`,
        );
        console.log(
          `trained on ${result.videos} clips / ${result.frames} frames in ` +
            `${formatSeconds(trainSeconds)}; training-frame AUC ${result.trainFrameAuc.toFixed(4)}`,
        );
        if (testAuc !== null) console.log(`demo test split video-level AUC: ${testAuc.toFixed(4)}`);
        if (matches !== null) {
          console.log(matches ? "matches the committed model" : "DIFFERS from the committed model");
        }
      }
      return matches === false ? 1 : 0;
    } finally {
      await ffmpeg.close();
    }
  });
}
