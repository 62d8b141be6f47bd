/**
 * `deno task import-ffpp --root <FF++ root> --split test --compression c23 [--methods ...]`:
 * writes a dataset manifest for one FaceForensics++ split (see dataset/ffpp.ts).
 * @module
 */
import { dirname } from "node:path";
import { type CommandSpec, requireString, runTask, UsageError } from "../util/cli.ts";
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import {
  FFPP_COMPRESSIONS,
  FFPP_DEFAULT_METHODS,
  FFPP_METHODS,
  type FfppCompression,
  importFfpp,
} from "../dataset/ffpp.ts";

const SPEC: CommandSpec = {
  name: "import-ffpp",
  summary: "Write a dataset manifest (CSV) from a FaceForensics++ folder and one official split.",
  flags: {
    root: {
      type: "string",
      description: "FF++ folder (with original_sequences/, manipulated_sequences/, splits/).",
      valueName: "<dir>",
    },
    split: { type: "string", description: "Split: reads splits/<split>.json.", default: "test" },
    compression: {
      type: "string",
      description: `Compression folder: ${FFPP_COMPRESSIONS.join(", ")}.`,
      default: "c23",
    },
    methods: {
      type: "string",
      description: `Comma-separated methods (known: ${FFPP_METHODS.join(", ")}).`,
      default: FFPP_DEFAULT_METHODS.join(","),
      valueName: "<list>",
    },
    out: {
      type: "string",
      description: "Manifest path (default <root>/ffpp_<split>_<compression>.csv).",
      valueName: "<csv>",
    },
    link: {
      type: "string",
      description: "With an --out outside the root: name of a symbolic link to the root, " +
        "made beside the CSV.",
      valueName: "<name>",
    },
    strict: { type: "boolean", description: "Fail (write nothing) when any video is missing." },
    json: { type: "boolean", description: "Print the result as JSON." },
  },
  epilog: "Ids: reals keep their FF++ id (000), fakes are <Method>_<a>_<b> (Deepfakes_000_003).\n" +
    "Manifest paths are relative to the CSV's folder and may not leave it: the CSV goes into the\n" +
    "root, or elsewhere with --link (e.g. --out data/ffpp_test.csv --link ffpp makes data/ffpp ->\n" +
    "root), which leaves a read-only FF++ copy untouched.",
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    if (parsed.positionals.length > 0) {
      throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
    }
    const compression = requireString(parsed, "compression");
    if (!FFPP_COMPRESSIONS.includes(compression as FfppCompression)) {
      throw new UsageError(
        `--compression must be one of ${FFPP_COMPRESSIONS.join(", ")}, got "${compression}"`,
      );
    }
    const methods = requireString(parsed, "methods").split(",").map((m) => m.trim()).filter(
      Boolean,
    );
    const unknown = methods.find((m) => !FFPP_METHODS.includes(m));
    if (unknown !== undefined) {
      throw new UsageError(
        `unknown method "${unknown}" (known: ${FFPP_METHODS.join(", ")})` +
          didYouMeanSuffix(unknown, FFPP_METHODS),
      );
    }
    const result = await importFfpp(requireString(parsed, "root"), {
      split: requireString(parsed, "split"),
      compression: compression as FfppCompression,
      methods,
      out: parsed.values.out as string | undefined,
      link: parsed.values.link as string | undefined,
      strict: parsed.values.strict === true,
    });
    for (const line of missingSummary(result.missing)) console.error(line);
    if (parsed.values.json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(
        `Wrote ${result.out}: ${result.reals + result.fakes} videos ` +
          `(${result.reals} real, ${result.fakes} fake), ${result.missing.length} missing`,
      );
    }
  });
}

/** Warning lines for missing videos, grouped by folder, at most 10 names per folder. */
function missingSummary(missing: string[]): string[] {
  if (missing.length === 0) return [];
  const byFolder = new Map<string, string[]>();
  for (const path of missing) {
    const folder = dirname(path);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), path.slice(folder.length + 1)]);
  }
  const lines = [
    `warning: ${missing.length} video(s) listed by the split are missing and left out ` +
    `(--strict to fail instead):`,
  ];
  for (const [folder, names] of byFolder) {
    const shown = names.slice(0, 10).join(", ");
    lines.push(
      `  ${folder}/: ${names.length} missing: ${shown}${names.length > 10 ? ", ..." : ""}`,
    );
  }
  return lines;
}
