/**
 * Loading a detector spec by name or file: a preset name (`xception`, `sbi`, ...) gives a copy of
 * the preset record (detectors/presets.ts); anything else is read as a JSON spec file and checked
 * by {@link validateDetectorSpec} (strictly: an unknown key is an error).
 * @module
 */
import { didYouMeanSuffix } from "../util/did_you_mean.ts";
import { resolve } from "node:path";
import { type DetectorSpec, DetectorSpecError, validateDetectorSpec } from "./spec.ts";
import { getPreset, PRESET_NAMES } from "./presets.ts";
import { readJsonFile } from "../util/json_file.ts";
import { OptionError } from "../util/option_error.ts";

/**
 * A detector name that is neither a preset nor a spec file: an {@link OptionError} (an unknown
 * name, exit 2 in a task), checked before anything else of a run.
 */
export class UnknownDetectorError extends OptionError {
  override name = "UnknownDetectorError";
}

/**
 * Loads a detector spec: a preset name (`xception`, `sbi`, ...) or the path of a JSON file.
 * A relative `modelPath` in a file is resolved against the file's folder.
 * The file is read by `readJsonFile` (a UTF-8 byte-order mark is skipped; UTF-16 is refused with
 * "save it as UTF-8"; a FIFO or device is refused before any read). Throws {@link DetectorSpecError} naming the file and field (or unknown
 * key) for unreadable or invalid specs, and {@link UnknownDetectorError} listing the presets for
 * an unknown name that is not a file either.
 */
export async function loadDetectorSpec(pathOrPresetName: string): Promise<DetectorSpec> {
  const preset = getPreset(pathOrPresetName);
  if (preset) return structuredClone(preset);
  const json = await readJsonFile(pathOrPresetName, {
    what: "detector spec",
    error: (message) => new DetectorSpecError(message),
    allowMissing: true,
  });
  if (json === undefined) {
    if (/[\\/.]/.test(pathOrPresetName)) {
      throw new DetectorSpecError(`Cannot read detector spec "${pathOrPresetName}": no such file`);
    }
    throw new UnknownDetectorError(
      `Unknown detector "${pathOrPresetName}": not a preset (${
        PRESET_NAMES.join(", ")
      }) and no such spec file` + didYouMeanSuffix(pathOrPresetName, PRESET_NAMES),
    );
  }
  const spec = validateDetectorSpec(json, { source: pathOrPresetName });
  if (spec.modelPath) spec.modelPath = resolve(pathOrPresetName, "..", spec.modelPath);
  return spec;
}
