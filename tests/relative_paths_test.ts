/**
 * Library entry points take paths relative to the working folder: a relative copies folder (the
 * README's `--data out/copies`) must reach ffmpeg, whose jobs take absolute paths only, as the
 * working folder's file — on both backends. And a contact sheet that could not be drawn is said on
 * stderr too (report/contact_sheet_problems.ts).
 * @module
 */
import assert from "node:assert/strict";
import { relative } from "node:path";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { contactSheetProblems, NO_DATA_SHEET_NOTE } from "../report/contact_sheet_problems.ts";
import type { RelativePathsResult } from "./_relative_paths_child.ts";
import { reportNoteLines } from "../report/note_lines.ts";
import { distortClip } from "./distort_fixtures.ts";
import { runJson, skipWithout } from "./_tools.ts";

const CHILD = new URL("./_relative_paths_child.ts", import.meta.url).pathname;

Deno.test({
  name: "a copies folder given relative to the working folder reaches ffmpeg (contact sheet, " +
    "copy quality), native and wasm",
  ignore: skipWithout("ffmpeg", "relative paths"),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_relative_ paths_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const made = await distortClip(ffmpeg, tmp, "unaltered,hflip", {
        width: 64,
        height: 48,
        frames: 6,
      });
      // As a user gives it: relative to the working folder, which is the copies' folder in a
      // child process (tests/_relative_paths_child.ts; parallel test files share this one's).
      const copies = made.map((c) => ({ ...c, dir: relative(tmp, c.dir) }));
      assert.ok(copies.every((c) => !c.dir.startsWith("/")));
      const results = await runJson<RelativePathsResult[]>(
        "the relative-path child",
        Deno.execPath(),
        [
          "run",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          "--allow-run=ffmpeg,ffprobe",
          CHILD,
        ],
        copies,
        { cwd: tmp },
      );
      assert.deepEqual(results.map((r) => r.backend), ["native", "wasm"]);
      for (const r of results) {
        assert.deepEqual(r.reasons, [null, null], r.backend);
        assert.deepEqual(r.images, ["data:image/jpeg;base64,", "data:image/jpeg;base64,"]);
        assert.deepEqual(r.problems, [], r.backend);
        assert.ok(r.psnrY > 30, `${r.backend}: PSNR ${r.psnrY}`);
      }
    } finally {
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
