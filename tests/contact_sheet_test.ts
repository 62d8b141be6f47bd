/**
 * The contact sheet draws its thumbnails several copies per ffmpeg process
 * (report/contact_sheet.ts): each thumbnail is byte for byte the one a plain single-file ffmpeg
 * command gives (the independent oracle here), and one unreadable copy in the process costs only
 * its own cell.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openFfmpeg } from "../media/ffmpeg.ts";
import { contactSheet, THUMBNAIL_WIDTH } from "../report/contact_sheet.ts";
import { distortClip } from "./distort_fixtures.ts";
import { skipWithout } from "./_tools.ts";

/** The thumbnail as one ffmpeg command for one file gives it (the form used before batching). */
async function oracleThumbnail(file: string, frame: number): Promise<Uint8Array> {
  const out = await new Deno.Command("ffmpeg", {
    args: [
      "-v",
      "error",
      "-i",
      file,
      "-vf",
      `select=eq(n\\,${frame}),scale=w=${THUMBNAIL_WIDTH}:h=-2:flags=bicubic`,
      "-frames:v",
      "1",
      "-fps_mode",
      "passthrough",
      "-c:v",
      "mjpeg",
      "-pix_fmt",
      "yuvj420p",
      "-q:v",
      "4",
      "-f",
      "image2pipe",
      "pipe:1",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return out.stdout;
}

function bytesOf(dataUri: string | null): Uint8Array {
  assert.ok(dataUri?.startsWith("data:image/jpeg;base64,"), `not a JPEG data URI: ${dataUri}`);
  if (dataUri === null) throw new Error("unreachable");
  return Uint8Array.from(atob(dataUri.slice(dataUri.indexOf(",") + 1)), (c) => c.charCodeAt(0));
}

Deno.test({
  name: "contact sheet: thumbnails of several copies from one process equal single-file ones; " +
    "an unreadable copy fails its cell alone",
  ignore: skipWithout("ffmpeg", "contact sheet"),
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "dfrobust_contact_sheet_" });
    const ffmpeg = await openFfmpeg("native");
    try {
      const copies = await distortClip(ffmpeg, tmp, "unaltered,hflip,vflip,grayscale", {
        width: 96,
        height: 64,
        frames: 9,
      });
      const fileOf = (opId: string) => {
        const copy = copies.find((c) => c.opId === opId)!;
        return join(copy.dir, copy.manifest.videos[0].output!);
      };

      await t.step(
        "each thumbnail equals the single-file command's, at the middle frame",
        async () => {
          const sheet = (await contactSheet(ffmpeg, copies))!;
          assert.equal(sheet.frame, 4);
          assert.deepEqual(sheet.frames.map((f) => f.reason), copies.map(() => undefined));
          for (const [k, copy] of copies.entries()) {
            assert.deepEqual(
              bytesOf(sheet.frames[k].image),
              await oracleThumbnail(fileOf(copy.opId), 4),
              copy.opId,
            );
          }
        },
      );

      await t.step("a copy whose file no longer decodes fails only its own cell", async () => {
        // Its manifest still records the probe, so the sheet tries to decode it with the others.
        await Deno.writeFile(fileOf("vflip"), new TextEncoder().encode("not a video any more"));
        const sheet = (await contactSheet(ffmpeg, copies))!;
        const vflip = sheet.frames.find((f) => f.opId === "vflip")!;
        assert.equal(vflip.image, null);
        assert.match(vflip.reason ?? "", /^cannot read the copy's file: /);
        assert.ok(
          !vflip.reason!.includes(tmp),
          `the reason names no local folder: ${vflip.reason}`,
        );
        for (const opId of ["unaltered", "hflip", "grayscale"]) {
          const cell = sheet.frames.find((f) => f.opId === opId)!;
          assert.equal(cell.reason, undefined, opId);
          assert.deepEqual(bytesOf(cell.image), await oracleThumbnail(fileOf(opId), 4), opId);
        }
      });
    } finally {
      await ffmpeg.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
