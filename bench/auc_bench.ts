/**
 * ROC AUC over 10 million scores: dfrobust's `rocAuc` against scikit-learn's `roc_auc_score`,
 * measured in the same run on the same data (handed to python as raw little-endian files;
 * python's timer covers only the `roc_auc_score` call).
 * @module
 */
import { join } from "node:path";
import { seededRandom } from "../util/prng.ts";
import { rocAuc } from "../metrics/roc_auc.ts";

const N = 10_000_000;
const REPEATS = 3;

const PYTHON = `
import json, sys, time
import numpy as np
from sklearn.metrics import roc_auc_score
labels = np.fromfile(sys.argv[1], dtype=np.uint8)
scores = np.fromfile(sys.argv[2], dtype="<f8")
times = []
for _ in range(int(sys.argv[3])):
    t = time.perf_counter()
    auc = roc_auc_score(labels, scores)
    times.append(time.perf_counter() - t)
json.dump({"auc": float(auc), "seconds": sorted(times)[len(times) // 2]}, sys.stdout)
`;

interface Dataset {
  name: string;
  labels: Uint8Array;
  scores: Float64Array;
}

function makeData(): Dataset[] {
  const random = seededRandom(2023);
  const labels = new Uint8Array(N);
  const continuous = new Float64Array(N);
  const rounded = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    labels[i] = random() < 0.5 ? 1 : 0;
    continuous[i] = Math.min(1, random() * 0.8 + labels[i] * 0.2);
    // Detector outputs often come in few distinct values: 1000 levels, ties everywhere.
    rounded[i] = Math.round(continuous[i] * 1000) / 1000;
  }
  return [
    { name: "1000 levels (ties)", labels, scores: rounded },
    { name: "continuous", labels, scores: continuous },
  ];
}

function median(values: number[]): number {
  return values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function sklearn(dir: string, data: Dataset): Promise<{ auc: number; seconds: number }> {
  const labelsPath = join(dir, "labels.u8");
  const scoresPath = join(dir, "scores.f64");
  await Deno.writeFile(labelsPath, data.labels);
  // Float64Array bytes are little-endian on every platform Deno runs on (x86-64, arm64).
  await Deno.writeFile(scoresPath, new Uint8Array(data.scores.buffer));
  const output = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", PYTHON, labelsPath, scoresPath, String(REPEATS)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`scikit-learn run failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** Runs the benchmark and prints a table with the speed ratio. */
export async function run(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust-auc-bench-" });
  try {
    console.log(`ROC AUC over ${N.toLocaleString("en")} scores (median of ${REPEATS} runs)`);
    console.log("| data | dfrobust rocAuc s | scikit-learn roc_auc_score s | speed-up | |ΔAUC| |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const data of makeData()) {
      const times: number[] = [];
      let auc = NaN;
      for (let r = 0; r < REPEATS; r++) {
        const start = performance.now();
        auc = rocAuc(data.labels, data.scores);
        times.push((performance.now() - start) / 1000);
      }
      const ours = median(times);
      const theirs = await sklearn(dir, data);
      console.log(
        `| ${data.name} | ${ours.toFixed(3)} | ${theirs.seconds.toFixed(3)} | ` +
          `${(theirs.seconds / ours).toFixed(1)}x | ${
            Math.abs(auc - theirs.auc).toExponential(1)
          } |`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await run();
