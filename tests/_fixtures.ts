/**
 * The third-party test fixtures: where they are, where each comes from, and the rule for the
 * suites that need them. Every test and benchmark that reads them goes through this module.
 *
 * Location: the folder named by `DFROBUST_FIXTURES` (absolute, or relative to the working
 * directory), default `../shared/fixtures` beside the repository. A fresh clone has none: the
 * suites that need them are skipped with one loud `SKIPPED SUITE <name>: needs the test
 * fixtures (...)` line, except under CI (`CI=true`), where a missing fixture fails the run
 * (tests/_tools.ts `skipSuite`). Never copy the fixtures into the repository.
 * @module
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { ULTRAFACE_MODEL } from "../eval/face_model.ts";
import { skipSuite } from "./_tools.ts";

/** One fixture: the files it needs under the fixtures folder, what it is, where it comes from. */
export interface FixtureSource {
  /** Folder under the fixtures folder. */
  dir: string;
  /** Files (or folders) under `dir` that must exist. */
  files: readonly string[];
  /** What it is, in a few words. */
  what: string;
  /** Where to get it: upstream repository and path, or how it was made. */
  from: string;
  /** Licence of the upstream files. */
  licence: string;
}

/** The fixtures the suites use, by name (provenance as in the fixtures folder's README). */
export const FIXTURE_SOURCES = {
  mesonet: {
    dir: "mesonet",
    files: [
      "Meso4_DF.h5",
      "Meso4_F2F.h5",
      "MesoInception_DF.h5",
      "MesoInception_F2F.h5",
      "test_images/df",
      "test_images/real",
    ],
    what: "MesoNet's published Keras weights (Meso4, MesoInception4) and four face crops",
    from: "https://github.com/DariusAf/MesoNet weights/*.h5 (MesoInception_F2F upstream has no " +
      ".h5 suffix) and test_images/{df,real}",
    licence: "Apache-2.0",
  },
  ultraface: {
    dir: "ultraface",
    files: ["version-RFB-320.onnx", "version-RFB-640.onnx"],
    what: "UltraFace face detector, ONNX with box decoding built in",
    from: `${ULTRAFACE_MODEL.repository} models/onnx/version-RFB-{320,640}.onnx`,
    licence: ULTRAFACE_MODEL.licence,
  },
  video: {
    dir: "video",
    files: ["short_hamilton_clip.mp4"],
    what: "real footage, 640x360, 29.97 fps, 275 frames, H.264 + AAC, two people",
    from: "https://github.com/ageitgey/face_recognition examples/short_hamilton_clip.mp4 " +
      "(a White House video)",
    licence: "public domain (US government work)",
  },
  faces: {
    dir: "faces",
    files: ["two_people.jpg", "obama-480p.jpg"],
    what: "photographs with faces",
    from: "https://github.com/ageitgey/face_recognition examples/{two_people,obama-480p}.jpg",
    licence: "MIT",
  },
  awkward: {
    dir: "awkward",
    files: ["README.md", "b01_headcut.ts", "odd_333x187_yuv444.mp4", "b06_edge.mp4"],
    what: "small synthetic clips and sidecars from public bug reports, each with the outcome a " +
      "user expects (its README)",
    from: "made for dfrobust with ffmpeg's testsrc2 (no upstream; ask the maintainers)",
    licence: "dfrobust's",
  },
  b4: {
    dir: "models",
    files: ["efficientnet_b4_380_random.onnx"],
    what: "EfficientNet-B4 (SBI's backbone) with random weights, 380x380, for shape and cost " +
      "checks",
    from: "made with torchvision 0.14 efficientnet_b4(num_classes=2), exported by torch 1.13 " +
      "(opset 13, input `input` [n,3,380,380], output `logits` [n,2])",
    licence: "BSD-3-Clause (torchvision)",
  },
} as const satisfies Record<string, FixtureSource>;

/** A fixture's name: a key of {@link FIXTURE_SOURCES}. */
export type FixtureName = keyof typeof FIXTURE_SOURCES;

/** The environment variable that names the fixtures folder. */
export const FIXTURES_ENV = "DFROBUST_FIXTURES";

const DEFAULT_FIXTURES = new URL("../../shared/fixtures/", import.meta.url).pathname;

/** The fixtures folder, absolute, with a trailing slash: `DFROBUST_FIXTURES` or the default. */
export const FIXTURES: string = fixturesFolder();

function fixturesFolder(): string {
  const chosen = Deno.env.get(FIXTURES_ENV);
  if (!chosen) return DEFAULT_FIXTURES;
  const folder = isAbsolute(chosen) ? chosen : resolve(chosen);
  return folder.endsWith("/") ? folder : `${folder}/`;
}

/** Paths of the files of `needs` that are missing under {@link FIXTURES}; [] when all are there. */
export function missingFixtures(needs: FixtureName | readonly FixtureName[]): string[] {
  return names(needs).flatMap((name) => {
    const source: FixtureSource = FIXTURE_SOURCES[name];
    return source.files.map((file) => join(FIXTURES, source.dir, file)).filter((path) => {
      try {
        Deno.statSync(path);
        return false;
      } catch {
        return true;
      }
    });
  });
}

/**
 * Returns the `ignore` value for a suite that reads the fixtures `needs`: false when they are
 * all there; else the shared rule (tests/_tools.ts `skipSuite`): throws under `CI=true`, else one
 * short, loud `SKIPPED SUITE <suite>: needs the test fixtures <names> (...)` line naming what is
 * missing, the variable that points at them and this file (their sources and licences).
 */
export function skipWithoutFixtures(
  needs: FixtureName | readonly FixtureName[],
  suite: string,
): boolean {
  const missing = missingFixtures(needs);
  if (missing.length === 0) return false;
  const more = missing.length > 1 ? ` +${missing.length - 1}` : "";
  return skipSuite(
    suite,
    `needs the test fixtures ${names(needs).join(", ")} (${relative(FIXTURES, missing[0])}` +
      `${more} not in ${FIXTURES_ENV}=${FIXTURES}; sources: tests/_fixtures.ts)`,
  );
}

/**
 * Throws an Error naming the fixtures `needs`, their sources and how to point at them when any
 * is missing; for benchmarks, which are never skipped quietly. `who` names the caller.
 */
export function requireFixtures(needs: FixtureName | readonly FixtureName[], who: string): void {
  const missing = missingFixtures(needs);
  if (missing.length > 0) {
    throw new Error(`${who} ${needsFixtures(needs, missing)}`);
  }
}

// "needs the test fixtures (<name>: <what>, from <source>, <licence>; ...), not found: ...".
function needsFixtures(
  needs: FixtureName | readonly FixtureName[],
  missing: readonly string[],
): string {
  const sources = names(needs).map((name) => {
    const source: FixtureSource = FIXTURE_SOURCES[name];
    return `${name}: ${source.what}, from ${source.from}, ${source.licence}`;
  });
  const folders = names(needs).map((name) => `${FIXTURE_SOURCES[name].dir}/`).join(", ");
  const more = missing.length > 1 ? ` and ${missing.length - 1} more` : "";
  return `needs the test fixtures (${sources.join("; ")}), not found: ${missing[0]}${more}; ` +
    `get them from the sources named into one folder (${folders}) and set ` +
    `${FIXTURES_ENV}=<folder> (default ../shared/fixtures beside the repository)`;
}

function names(needs: FixtureName | readonly FixtureName[]): readonly FixtureName[] {
  return typeof needs === "string" ? [needs] : needs;
}
