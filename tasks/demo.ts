/**
 * `deno task demo`: the whole pipeline on the embedded default (generated demo dataset, the
 * bundled demo detector), ending with an HTML report and a summary table.
 * @module
 */
import { BACKEND_FLAG } from "./_backend_flag.ts";
import { DEFAULT_DEMO_DIR, runDemo } from "../demo/pipeline.ts";
import { formatDemoSummary } from "../demo/summary_text.ts";
import type { BackendChoice } from "../media/ffmpeg.ts";
import { type CommandSpec, optionalIntegerFlag, runTask } from "../util/cli.ts";
import { interruptSignal } from "../util/interrupt.ts";

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
    ...BACKEND_FLAG,
    reals: {
      type: "string",
      description: "Real clips, each with a self-blended fake twin (default 24: 48 videos). " +
        "Fewer make a quicker run of the same stages; use another --out for each size.",
      valueName: "<n>",
    },
    frames: {
      type: "string",
      description: "Frames per clip (default 64; eval samples up to 32 of them).",
      valueName: "<n>",
    },
    jobs: { type: "string", description: "Videos distorted in parallel.", valueName: "<n>" },
    json: { type: "boolean", description: "Print summary.json to stdout instead of a table." },
  },
};

await runTask(spec, async (parsed) => {
  const summary = await runDemo({
    out: parsed.values.out as string,
    backend: parsed.values.backend as BackendChoice,
    reals: optionalIntegerFlag(parsed, "reals"),
    frames: optionalIntegerFlag(parsed, "frames"),
    jobs: optionalIntegerFlag(parsed, "jobs"),
    // SIGINT/SIGTERM stop ffmpeg and exit 130/143 through runTask (util/interrupt.ts).
    signal: interruptSignal(),
  });
  console.log(parsed.values.json ? JSON.stringify(summary, null, 2) : formatDemoSummary(summary));
  return summary.failures > 0 ? 1 : 0;
});
