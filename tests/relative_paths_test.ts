/**
 * Library entry points take paths relative to the working folder: a relative copies folder (the
 * README's `--data out/copies`) must reach ffmpeg, whose jobs take absolute paths only, as the
 * working folder's file — on both backends. And a contact sheet that could not be drawn is said on
 * stderr too (report/contact_sheet_problems.ts).
 * @module
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { measureFidelity } from "../artifacts/quality_measure.ts";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { contactSheet } from "../report/contact_sheet.ts";
import { contactSheetProblems, NO_DATA_SHEET_NOTE } from "../report/contact_sheet_problems.ts";
import { reportNoteLines } from "../report/note_lines.ts";
import { distortClip } from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";

Deno.test({
  name: "a copies folder given relative to the working folder reaches ffmpeg (contact sheet, " +
    "copy quality), native and wasm",
  ignore: skipWithout("ffmpeg", "relative paths"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_relative_ paths_" });
    const ffmpeg = await openFfmpeg("native");
    const wasm = await openFfmpeg("wasm");
    const here = Deno.cwd();
    try {
      const made = await distortClip(ffmpeg, tmp, "unaltered,hflip", {
        width: 64,
        height: 48,
        frames: 6,
      });
      Deno.chdir(tmp);
      // As a user gives it: relative to the working folder.
      const copies = made.map((c) => ({ ...c, dir: relative(tmp, c.dir) }));
      assert.ok(copies.every((c) => !c.dir.startsWith("/")));
      for (const [name, backend] of [["native", ffmpeg], ["wasm", wasm]] as const) {
        await t.step(`contact sheet (${name})`, async () => {
          const sheet = (await contactSheet(backend, copies))!;
          assert.deepEqual(sheet.frames.map((f) => f.reason), [undefined, undefined]);
          assert.ok(sheet.frames.every((f) => f.image?.startsWith("data:image/jpeg;base64,")));
          assert.deepEqual(contactSheetProblems({ contactSheet: sheet }), []);
        });
        await t.step(`copy quality (${name})`, async () => {
          const hflip = copies.find((c) => c.opId === "hflip")!;
          const record = hflip.manifest.videos[0];
          const info = await ffmpeg.probe("a.mp4");
          const [fidelity] = await measureFidelity(backend, "a.mp4", info, [{
            op: hflip.manifest.op,
            geometry: record.geometry!,
            path: join(hflip.dir, record.output!),
            streamIndex: 0,
          }]);
          assert.ok(fidelity.psnrY > 30, `PSNR ${fidelity.psnrY}`);
        });
      }
    } finally {
      Deno.chdir(here);
      await wasm.close();
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("a contact sheet not drawn, or a tile whose file cannot be read, is a stderr line", () => {
  const tile = (reason?: string) => ({
    opId: "hflip",
    label: "Horizontal flip",
    image: reason ? null : "data:image/jpeg;base64,AA==",
    ...(reason ? { reason } : {}),
  });
  const sheet = {
    videoId: "a",
    chosenBy: "--example",
    frame: 3,
    frames: [tile(), tile("not in this copy"), tile(`cannot read the copy's file: gone`)],
  };
  assert.deepEqual(reportNoteLines({ notes: [], contactSheet: sheet }), [
    `note: contact sheet: Horizontal flip: cannot read the copy's file: gone`,
  ]);
  assert.deepEqual(
    reportNoteLines({ notes: [], contactSheetNote: "No contact sheet: no copy of this report." }),
    ["note: No contact sheet: no copy of this report."],
  );
  // No --data is a choice, not a problem.
  assert.deepEqual(reportNoteLines({ notes: [], contactSheetNote: NO_DATA_SHEET_NOTE }), []);
});
