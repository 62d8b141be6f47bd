/**
 * Loading a detector spec by name or file: a preset name (`xception`, `sbi`, ...) gives a copy of
 * the preset record (detectors/presets.ts); anything else is read as a JSON spec file and checked
 * by {@link validateDetectorSpec}.
 * @module
 */
import { resolve } from "node:path";
import { type DetectorSpec, DetectorSpecError, validateDetectorSpec } from "./spec.ts";
import { getPreset, PRESET_NAMES } from "./presets.ts";
import { readRegularTextFile } from "../util/regular_file.ts";

/**
 * Loads a detector spec: a preset name (`xception`, `sbi`, ...) or the path of a JSON file.
 * A relative `modelPath` in a file is resolved against the file's folder.
 * Throws {@link DetectorSpecError} naming the file and field for unreadable or invalid specs (a
 * FIFO or device is refused before any read),
 * and listing the presets for an unknown name that is not a file either.
 */
export async function loadDetectorSpec(pathOrPresetName: string): Promise<DetectorSpec> {
  const preset = getPreset(pathOrPresetName);
  if (preset) return structuredClone(preset);
  let text: string;
  try {
    text = await readRegularTextFile(pathOrPresetName);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && !/[\\/.]/.test(pathOrPresetName)) {
      throw new DetectorSpecError(
        `Unknown detector "${pathOrPresetName}": not a preset (${
          PRESET_NAMES.join(", ")
        }) and no such spec file`,
      );
    }
    throw new DetectorSpecError(
      `Cannot read detector spec "${pathOrPresetName}": ${(error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DetectorSpecError(
      `Detector spec "${pathOrPresetName}" is not valid JSON: ${(error as Error).message}`,
    );
  }
  const spec = validateDetectorSpec(json, { source: pathOrPresetName });
  if (spec.modelPath) spec.modelPath = resolve(pathOrPresetName, "..", spec.modelPath);
  return spec;
}
