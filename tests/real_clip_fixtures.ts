/**
 * The real clip (fixtures/video/short_hamilton_clip.mp4: 640x360, 29.97 fps, 9.2 s, with audio)
 * scaled to a size and stored losslessly without audio, built once per `deno test` run and shared
 * by the suites that run operations on real footage (tests/_shared_fixture.ts: read only).
 *
 * Lossless (x264 `-qp 0`): the decoded frames are the scaler's output whatever the x264 preset,
 * so the fast preset is used.
 * @module
 */
import { join } from "node:path";
import { sharedFixture } from "./_shared_fixture.ts";
import { FIXTURES } from "./_fixtures.ts";

/** The real clip. */
export const REAL_CLIP: string = join(FIXTURES, "video", "short_hamilton_clip.mp4");

/** Which cut of the real clip: its size and, when given, its first `seconds` (`-t`). */
export interface RealClipCut {
  width: number;
  height: number;
  seconds?: number;
}

/**
 * The path of the real clip scaled to `width`x`height` (bicubic), its first `seconds` or all of
 * it, H.264 lossless yuv420p in MP4, no audio. Shared and read only: link or copy it into the
 * test's own folder ({@link linkRealClip}). Throws when ffmpeg fails.
 */
export async function realClip(cut: RealClipCut): Promise<string> {
  const key = { width: cut.width, height: cut.height, seconds: cut.seconds ?? null };
  const dir = await sharedFixture("real-clip", key, async (dir) => {
    const out = await new Deno.Command("ffmpeg", {
      args: [
        ...["-v", "error", "-y", "-i", REAL_CLIP, "-an"],
        ...(cut.seconds === undefined ? [] : ["-t", String(cut.seconds)]),
        ...["-vf", `scale=${cut.width}:${cut.height}:flags=bicubic`],
        ...["-c:v", "libx264", "-qp", "0", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
        join(dir, "clip.mp4"),
      ],
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `ffmpeg failed cutting the real clip: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
  });
  return join(dir, "clip.mp4");
}

/**
 * Puts the shared cut at `dest` as a hard link (a copy where linking fails), for a dataset whose
 * sources must lie in its own folder. Nothing may write to `dest`.
 */
export async function linkRealClip(cut: RealClipCut, dest: string): Promise<void> {
  const path = await realClip(cut);
  await Deno.link(path, dest).catch(() => Deno.copyFile(path, dest));
}
