/**
 * `deno task verify`: re-hash every finished distorted copy under a folder and report drift from
 * its manifest. Exit code 1 when an output changed or went missing.
 * @module
 */
import { verifyCopies } from "../artifacts/verify.ts";
import { copyQualityText } from "../artifacts/copy_quality_text.ts";
import { type CommandSpec, requirePositional, runTask } from "../util/cli.ts";
import { commandLine } from "../util/command_line.ts";

const spec: CommandSpec = {
  name: "verify",
  summary: "Re-hash the outputs (and sources) of every distorted copy under <dir> against the " +
    "SHA-256s in its manifest.json. Output drift fails (exit 1); source drift (the copy was made " +
    "from files that changed since) is reported.",
  positionals: "<dir>",
  flags: {
    "no-sources": { type: "boolean", description: "Do not re-hash the source videos." },
    "allow-outside-links": {
      type: "boolean",
      description: "Follow source links out of their dataset folder (as distort did with this " +
        "flag); by default such a source is refused, never read.",
    },
    quality: {
      type: "boolean",
      description: "Compute the quality numbers (size, bitrate, PSNR/SSIM of luma) of videos " +
        "whose manifest lacks them, from the copy and its unchanged source, and write them into " +
        "the manifest (no video is remade).",
    },
    json: { type: "boolean", description: "Print the report as JSON." },
  },
};

await runTask(spec, async (parsed) => {
  const out = requirePositional(parsed, spec, "the copies folder");
  const report = await verifyCopies(out, {
    sources: parsed.values["no-sources"] !== true,
    allowOutsideLinks: parsed.values["allow-outside-links"] === true,
    quality: parsed.values.quality === true,
  });
  if (parsed.values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    for (const copy of report.copies) {
      const state = copy.error
        ? `error: ${copy.error}`
        : copy.drift.length > 0
        ? `DRIFT (${copy.drift.length})`
        : "ok";
      console.log(`${copy.opId}/${copy.artifactId}  ${copy.checked} outputs  ${state}`);
      if (copy.quality !== undefined) console.log(`  quality: ${copyQualityText(copy.quality)}`);
      for (const d of [...copy.drift, ...copy.sourceDrift]) {
        console.log(`  ${d.kind} ${d.videoId ? `${d.videoId} ` : ""}${d.file}`);
        if (d.reason) console.log(`    ${d.reason}`);
      }
    }
    if (report.unfinished.length > 0) {
      console.log(
        `${report.unfinished.length} unfinished copy folders (${commandLine("gc")} removes them)`,
      );
    }
    if (report.quality) {
      const { filled, manifests, already } = report.quality;
      console.log(
        `quality: ${filled} videos measured now, ${manifests} manifests updated` +
          (already > 0
            ? `; ${already} videos already had their numbers (shown above per copy; each ` +
              `copy's manifest.json holds them: videos[].quality, and the summary in quality)`
            : ""),
      );
      for (const s of report.quality.skipped) {
        console.log(`  not measured: ${s.videoId}: ${s.reason}`);
      }
    }
    console.log(report.ok ? `${report.copies.length} copies verified` : "drift found");
  }
  return report.ok ? 0 : 1;
});
