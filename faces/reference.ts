/**
 * The `reference` face mode: every copy is scored on the faces found in the unaltered copy's same
 * frame, mapped through the copy's geometry — so a processing operation cannot change which faces
 * are scored, only how they look. Record the unaltered copy's boxes while scoring it, then locate
 * the other copies from the recording.
 * @module
 */
import type { FrameGeometry, Geometry } from "../ops/geometry.ts";
import type { FaceLocator } from "./locator.ts";
import { emptySidecar, type FaceSidecar, SidecarError, sidecarLocator } from "./sidecar.ts";

/**
 * Wraps `inner` (the locator used on the unaltered copy, e.g. UltraFace) so that every box it
 * returns is also written into `recording` (a sidecar in the unaltered copy's pixels, with the
 * score as fifth number). Returns the boxes unchanged.
 */
export function recordingLocator(inner: FaceLocator, recording: FaceSidecar): FaceLocator {
  return {
    mode: inner.mode,
    async locate(videoId, frames, indices, options) {
      const boxes = await inner.locate(videoId, frames, indices, options);
      const video = recording.videos[videoId] ?? (recording.videos[videoId] = {});
      boxes.forEach((list, i) => {
        if (list.length > 0) {
          video[String(indices[i])] = list.map((b) => [b.x, b.y, b.w, b.h, b.score]);
        }
      });
      return boxes;
    },
    release: () => inner.release(),
  };
}

/** A new, empty recording for {@link recordingLocator}. */
export function newRecording(): FaceSidecar {
  return emptySidecar();
}

/** Options for {@link referenceLocator}. */
export interface ReferenceLocatorOptions {
  /**
   * Exact geometry per video id (the copy manifest's `videos[].geometry`); videos without an
   * entry map through the nominal geometry.
   */
  frameGeometries?: ReadonlyMap<string, FrameGeometry>;
}

/**
 * A locator (mode `reference`) that returns the boxes recorded on the unaltered copy for the same
 * video and frame index, mapped into the copy (exactly through the first run's geometry given to
 * `locate`, else through `options.frameGeometries` where a video has an entry, else through the
 * nominal `geometry`), not clipped, each with the recorded box as its `source`. The recorded boxes
 * are in the unaltered copy's *sampled* pixels, where every frame has the first frame's size (the
 * sampler scales a later run to it, as distort does before the operation): so every frame maps
 * through the first run's geometry, never a later run's. `locate` rejects with a `SidecarError`
 * for a video the unaltered copy did not record.
 */
export function referenceLocator(
  recording: FaceSidecar,
  geometry: Geometry,
  options: ReferenceLocatorOptions = {},
): FaceLocator {
  const inner = sidecarLocator(recording, {
    geometry,
    frameGeometries: options.frameGeometries,
    source: "unaltered copy",
    mode: "reference",
  });
  return {
    mode: inner.mode,
    locate: (videoId, frames, indices, located) =>
      // The recording holds the unaltered copy's sampled frames only; a time operation's copy
      // samples others (its frame j shows another source frame), which it has no boxes for.
      located?.geometry?.time
        ? Promise.reject(
          new SidecarError(
            `Reference mode cannot place boxes in video "${videoId}": its copy shows other ` +
              `source frames (a frame-rate or time operation), and the unaltered copy's boxes ` +
              `exist only for the frames sampled there; use --faces ultraface or sidecar`,
          ),
        )
        : inner.locate(videoId, frames, indices, {
          geometry: located?.geometry
            ? { geometry: located.geometry.geometry, segments: [] }
            : undefined,
        }),
    release: () => inner.release(),
  };
}
