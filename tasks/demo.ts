/**
 * `deno task demo`: the whole pipeline on the embedded default (generated demo dataset, the
 * bundled demo detector), ending with an HTML report and a summary table.
 * @module
 */
import { DEFAULT_DEMO_DIR, runDemo } from "../demo/pipeline.ts";
import type { BackendChoice } from "../media/ffmpeg.ts";
import { type CommandSpec, integerFlag, runTask, UsageError } from "../util/cli.ts";
import { interruptSignal } from "../util/interrupt.ts";
import { formatSeconds } from "../util/progress.ts";

const spec: CommandSpec = {
  name: "demo",
  summary: "Generate the demo test set (24 real + 24 self-blended fake clips), make the paper's " +
    "12 distorted copies plus the unaltered one, score them with the bundled demo detector and " +
    "write report.html, summary.json and the results store into the output folder. Reruns " +
    "reuse what is already there.",
  flags: {
    out: {
      type: "string",
      description: "Output folder.",
      default: DEFAULT_DEMO_DIR,
      valueName: "<dir>",
    },
    backend: {
      type: "string",
      description: "ffmpeg backend: auto (native when installed, else ffmpeg.wasm), native, wasm.",
      default: "auto",
      valueName: "<name>",
    },
    jobs: { type: "string", description: "Videos distorted in parallel.", valueName: "<n>" },
    json: { type: "boolean", description: "Print summary.json to stdout instead of a table." },
  },
};

await runTask(spec, async (parsed) => {
  const backend = parsed.values.backend as string;
  if (!["auto", "native", "wasm"].includes(backend)) {
    throw new UsageError(`--backend must be auto, native or wasm, got "${backend}"`);
  }
  const summary = await runDemo({
    out: parsed.values.out as string,
    backend: backend as BackendChoice,
    jobs: parsed.values.jobs === undefined ? undefined : integerFlag(parsed, "jobs", 1),
    // SIGINT/SIGTERM stop ffmpeg and exit 130/143 through runTask (util/interrupt.ts).
    signal: interruptSignal(),
  });
  if (parsed.values.json) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    const width = Math.max(...Object.keys(summary.auc).map((id) => id.length), 9);
    console.log(`${"operation".padEnd(width)}  video AUC  n`);
    for (const [op, auc] of Object.entries(summary.auc)) {
      console.log(
        `${op.padEnd(width)}  ${(auc === null ? "  -" : auc.toFixed(3)).padEnd(9)}  ${
          summary.n[op] ?? "-"
        }`,
      );
    }
    if (summary.leftOut.length > 0) {
      console.log(`${summary.leftOut.length} video x copy left out of the AUCs: see the report`);
    }
    const s = summary.seconds;
    console.log(
      `\nwall time ${formatSeconds(s.total)} (dataset ${formatSeconds(s.dataset)}, distort ` +
        `${formatSeconds(s.distort)}, eval ${formatSeconds(s.eval)}, report ` +
        `${formatSeconds(s.report)}) with ${summary.backend} ffmpeg ${summary.ffmpegVersion}`,
    );
    if (summary.failures > 0) console.log(`${summary.failures} failures: see the report's notes`);
    console.log(`report: ${summary.report}`);
  }
  return summary.failures > 0 ? 1 : 0;
});
