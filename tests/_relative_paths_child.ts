/**
 * The child of tests/relative_paths_test.ts, started in the folder that holds the copies (its
 * working folder), so the parent need not change the working folder its parallel test files
 * share. Reads the copies (folders relative to the working folder) as JSON on stdin, draws the
 * contact sheet and measures the hflip copy's quality against `a.mp4` on both backends, and prints
 * what each gave as JSON on stdout.
 * @module
 */
import { join } from "node:path";
import type { CopyManifest } from "../artifacts/copy_manifest.ts";
import { measureFidelity } from "../artifacts/quality_measure.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { contactSheet } from "../report/contact_sheet.ts";
import { contactSheetProblems } from "../report/contact_sheet_problems.ts";

/** One backend's results. */
export interface RelativePathsResult {
  backend: string;
  /** Each tile's reason (null when drawn). */
  reasons: (string | null)[];
  /** Each tile's image URL prefix (`data:image/jpeg;base64,` when drawn). */
  images: (string | null)[];
  problems: string[];
  psnrY: number;
}

if (import.meta.main) {
  const copies: { opId: string; dir: string; manifest: CopyManifest }[] = JSON.parse(
    await new Response(Deno.stdin.readable).text(),
  );
  const results: RelativePathsResult[] = [];
  for (const name of ["native", "wasm"] as const) {
    const backend = await openFfmpeg(name);
    try {
      const sheet = (await contactSheet(backend, copies))!;
      const hflip = copies.find((c) => c.opId === "hflip")!;
      const record = hflip.manifest.videos[0];
      const info = await backend.probe("a.mp4");
      const [fidelity] = await measureFidelity(backend, "a.mp4", info, [{
        op: hflip.manifest.op,
        geometry: record.geometry!,
        path: join(hflip.dir, record.output!),
        streamIndex: 0,
      }]);
      results.push({
        backend: name,
        reasons: sheet.frames.map((f) => f.reason ?? null),
        images: sheet.frames.map((f) =>
          f.image?.slice(0, "data:image/jpeg;base64,".length) ?? null
        ),
        problems: contactSheetProblems({ contactSheet: sheet }),
        psnrY: fidelity.psnrY,
      });
    } finally {
      await backend.close();
    }
  }
  console.log(JSON.stringify(results));
}
