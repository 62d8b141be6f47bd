/**
 * Face sidecars: face boxes given with a dataset instead of detected, one JSON file
 * `{"schema": "dfrobust.faces/1", "videos": {"<video id>": {"<frame index>": [[x, y, w, h], ...]}}}`
 * in the source video's pixels (an optional fifth number is the box's score). A frame missing
 * from a video's map has no face. In a distorted copy the boxes are mapped through the video's
 * exact geometry (recorded per video by distort), else through the copy's nominal geometry. Boxes
 * may stick out of the frame: they are passed on as given, and the detector's crop rule decides
 * what they give (a box with no pixel in the frame is no face).
 * @module
 */
import { atomicWriteJson } from "../util/atomic.ts";
import { readJsonFile } from "../util/json_file.ts";
import { checkKeys, type KeySet } from "../util/strict_keys.ts";
import type { FaceBox } from "./box.ts";
import {
  type FrameGeometry,
  frameGeometryAt,
  type FrameGeometrySegment,
  type Geometry,
  IDENTITY_GEOMETRY,
  type VideoGeometry,
} from "../ops/geometry.ts";
import { sourceFrameOf } from "../ops/time_map.ts";
import { mapBox, mapBoxExact } from "./geometry.ts";
import type { FaceLocator } from "./locator.ts";
import { commandLine } from "../util/command_line.ts";

/** The sidecar schema id. */
export const SIDECAR_SCHEMA = "dfrobust.faces/1";

/** A parsed sidecar: per video id, per frame index (as a string), boxes `[x, y, w, h(, score)]`. */
export interface FaceSidecar {
  schema: typeof SIDECAR_SCHEMA;
  videos: Record<string, Record<string, number[][]>>;
}

/** The keys a sidecar holds at its top level; any other is an error (a misspelling). */
export const SIDECAR_KEYS: KeySet<FaceSidecar> = { schema: true, videos: true };

/** Thrown for an unreadable or malformed sidecar, or a video it does not cover; names the file. */
export class SidecarError extends Error {
  override name = "SidecarError";
}

/** An empty sidecar, to fill (e.g. with the unaltered copy's boxes). */
export function emptySidecar(): FaceSidecar {
  return { schema: SIDECAR_SCHEMA, videos: {} };
}

/**
 * Reads and validates a sidecar file (a UTF-8 byte-order mark is skipped; UTF-16 is refused with
 * "save it as UTF-8"). Throws {@link SidecarError} naming the file and entry.
 */
export async function readSidecar(path: string): Promise<FaceSidecar> {
  const json = await readJsonFile(path, {
    what: "face sidecar",
    error: (message) => new SidecarError(message),
  });
  return parseSidecar(json, path);
}

/**
 * Validates parsed sidecar JSON; `source` names it in errors. Checks the schema, that the top
 * level holds only {@link SIDECAR_KEYS} (an unknown key is an error naming the nearest valid
 * one), that frame keys are non-negative integers and that every box is 4 or 5 finite numbers
 * with w, h >= 0.
 */
export function parseSidecar(json: unknown, source: string): FaceSidecar {
  const fail = (message: string): never => {
    throw new SidecarError(`Face sidecar "${source}": ${message}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(json)) return fail("must be a JSON object");
  // Another schema's file is named as such before its keys are called unknown.
  if (json.schema === undefined || json.schema === SIDECAR_SCHEMA) {
    checkKeys(json, SIDECAR_KEYS, {
      what: "face sidecar",
      source,
      path: "",
      error: (message) => new SidecarError(message),
    });
  }
  if (json.schema !== SIDECAR_SCHEMA) {
    fail(`"schema" must be "${SIDECAR_SCHEMA}", got ${JSON.stringify(json.schema)}`);
  }
  if (!isObject(json.videos)) return fail(`"videos" must be an object`);
  const videos: FaceSidecar["videos"] = {};
  for (const [id, frames] of Object.entries(json.videos)) {
    if (!isObject(frames)) return fail(`video "${id}" must map frame indices to box lists`);
    const out: Record<string, number[][]> = {};
    for (const [frame, boxes] of Object.entries(frames)) {
      if (!/^\d+$/.test(frame)) fail(`video "${id}": frame key "${frame}" is not a frame index`);
      if (!Array.isArray(boxes)) return fail(`video "${id}" frame ${frame}: boxes must be a list`);
      out[frame] = boxes.map((box, i) => {
        const ok = Array.isArray(box) && (box.length === 4 || box.length === 5) &&
          box.every((v) => typeof v === "number" && Number.isFinite(v)) && box[2] >= 0 &&
          box[3] >= 0;
        if (!ok) {
          fail(
            `video "${id}" frame ${frame} box ${i}: want [x, y, w, h] with w, h >= 0, got ${
              JSON.stringify(box)
            }`,
          );
        }
        return box as number[];
      });
    }
    videos[id] = out;
  }
  return { schema: SIDECAR_SCHEMA, videos };
}

/** Writes `sidecar` to `path` atomically (pretty JSON). */
export async function writeSidecar(path: string, sidecar: FaceSidecar): Promise<void> {
  await atomicWriteJson(path, sidecar);
}

/** Options for {@link sidecarLocator}. */
export interface SidecarLocatorOptions {
  /**
   * Nominal geometry of the copy being evaluated relative to the source; default identity. Used
   * for videos without an entry in `frameGeometries` (copies made before distort recorded them),
   * with the source size taken as frame size / scale.
   */
  geometry?: Geometry;
  /**
   * Exact geometry per video id (the copy manifest's `videos[].geometry`: real sizes, the
   * even-sided crop, flips). A listed video maps exactly; its decoded frames must have the
   * recorded copy size.
   */
  frameGeometries?: ReadonlyMap<string, FrameGeometry>;
  /**
   * Per video id whose source frame size changes mid-stream, the later runs of frames (the copy
   * manifest's `videos[].segments`): a box on a frame of such a run is in that run's source pixels
   * and maps through its geometry; other frames map through `frameGeometries`.
   */
  frameSegments?: ReadonlyMap<string, readonly FrameGeometrySegment[]>;
  /** Name used in errors (the sidecar's path). Default `"sidecar"`. */
  source?: string;
  /** Mode reported by the locator; `reference` for the unaltered copy's boxes. Default `sidecar`. */
  mode?: "sidecar" | "reference";
}

/**
 * A {@link FaceLocator} that looks boxes up in `sidecar` by video id and frame index and maps them
 * into the copy's pixels: exactly, through the `geometry` given to `locate` (else the video's
 * entries in `frameGeometries` and `frameSegments`), a box on a frame of a later run of another
 * size through that run's geometry (`frameGeometryAt`), and a frame of a time operation's copy
 * gets the boxes of the source frame it shows (`VideoGeometry.time`); else through the nominal `geometry` with
 * source size = frame size / scale. Not clipped: a box that sticks out of the frame stays as the
 * sidecar gives it. Each box keeps the sidecar's box as its `source` (the face order ranks by it,
 * so the same face ranks first in every copy). `locate` rejects with a {@link SidecarError} for a
 * video the sidecar does not list, or whose frames do not have the size its exact geometry says.
 */
export function sidecarLocator(
  sidecar: FaceSidecar,
  options: SidecarLocatorOptions = {},
): FaceLocator {
  const geometry = options.geometry ?? IDENTITY_GEOMETRY;
  const source = options.source ?? "sidecar";
  const mode = options.mode ?? "sidecar";
  const recorded = (videoId: string): VideoGeometry | undefined => {
    const exact = options.frameGeometries?.get(videoId);
    return exact && { geometry: exact, segments: options.frameSegments?.get(videoId) ?? [] };
  };
  return {
    mode,
    locate(videoId, frames, indices, located) {
      const video = Object.hasOwn(sidecar.videos, videoId) ? sidecar.videos[videoId] : undefined;
      if (!video) {
        const hint = mode === "reference" ? " (score the unaltered copy of this video first)" : "";
        return Promise.reject(
          new SidecarError(`Face ${mode} "${source}" has no boxes for video "${videoId}"${hint}`),
        );
      }
      const known = located?.geometry ?? recorded(videoId);
      const exact = known?.geometry;
      const segments = known?.segments;
      const wrong = exact &&
        frames.find((f) => f.width !== exact.width || f.height !== exact.height);
      if (exact && wrong) {
        return Promise.reject(
          new SidecarError(
            `Video "${videoId}" decodes at ${wrong.width}x${wrong.height}, but its copy manifest ` +
              `records ${exact.width}x${exact.height}: the copy changed since distort made it ` +
              `(run "${commandLine("verify")}")`,
          ),
        );
      }
      // A time operation's copy frame shows another source frame: its boxes are that frame's.
      const time = known?.time;
      return Promise.resolve(frames.map((frame, i) => {
        const sourceIndex = time ? sourceFrameOf(time, indices[i]) : indices[i];
        const raw = video[String(sourceIndex)] ?? [];
        const srcW = frame.width / geometry.scale;
        const srcH = frame.height / geometry.scale;
        // A frame of a later run of another size maps through that run's geometry.
        const at = exact ? frameGeometryAt(exact, segments, sourceIndex) : undefined;
        const boxes: FaceBox[] = [];
        for (const [x, y, w, h, score] of raw) {
          // No fifth number: no confidence was given (score 1 by convention, `unscored`).
          const box = score === undefined || score === null
            ? { x, y, w, h, score: 1, unscored: true }
            : { x, y, w, h, score };
          const mapped = at ? mapBoxExact(box, at) : mapBox(box, geometry, srcW, srcH);
          const frameWidth = at ? at.sourceWidth : srcW;
          const frameHeight = at ? at.sourceHeight : srcH;
          boxes.push({ ...mapped, source: { x, y, w, h, frameWidth, frameHeight } });
        }
        return boxes;
      }));
    },
    release: () => Promise.resolve(),
  };
}
