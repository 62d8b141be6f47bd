/**
 * `deno task import-mesonet <weights.h5> --arch meso4|mesoinception4 --out <model.onnx>`:
 * converts the MesoNet authors' Keras weights into an ONNX detector (see onnx/mesonet.ts).
 * @module
 */
import { atomicWriteFile } from "../util/atomic.ts";
import { type CommandSpec, requireString, runTask, UsageError } from "../util/cli.ts";
import { sha256Hex } from "../util/hash.ts";
import { convertMesoNet, MESONET_ARCHS, type MesoNetArch } from "../onnx/mesonet.ts";

const SPEC: CommandSpec = {
  name: "import-mesonet",
  summary: "Convert the MesoNet authors' Keras weights (.h5) into an ONNX detector.",
  positionals: "<weights.h5>",
  flags: {
    arch: {
      type: "string",
      description: `Architecture of the weights: ${MESONET_ARCHS.join(" or ")}.`,
      valueName: "<arch>",
      choices: MESONET_ARCHS,
    },
    out: {
      type: "string",
      description: "Where to write the ONNX model.",
      valueName: "<model.onnx>",
    },
    json: { type: "boolean", description: "Print the result as JSON." },
  },
  epilog:
    "The model takes `image` [N,3,256,256] (RGB, pixel/255) and outputs `real_probability`\n" +
    "[N,1] = P(real), as the authors trained it; the mesonet/mesoinception presets report\n" +
    "1 - output as the fake probability. Weights: github.com/DariusAf/MesoNet (Apache-2.0).",
};

if (import.meta.main) {
  await runTask(SPEC, async (parsed) => {
    if (parsed.positionals.length !== 1) {
      throw new UsageError("give exactly one weights file (.h5)");
    }
    const input = parsed.positionals[0];
    const arch = requireString(parsed, "arch");
    const out = requireString(parsed, "out");
    let h5Bytes: Uint8Array;
    try {
      h5Bytes = await Deno.readFile(input);
    } catch (error) {
      throw new Error(`Cannot read weights "${input}": ${(error as Error).message}`);
    }
    const model = await convertMesoNet(h5Bytes, { arch: arch as MesoNetArch, source: input });
    await atomicWriteFile(out, model);
    const result = { input, arch, out, bytes: model.length, sha256: sha256Hex(model) };
    console.log(
      parsed.values.json
        ? JSON.stringify(result)
        : `Wrote ${out} (${arch}, ${model.length} bytes, sha256 ${result.sha256})`,
    );
  });
}
