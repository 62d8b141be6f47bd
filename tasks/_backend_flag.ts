/**
 * The `--backend` flag of the tasks that run ffmpeg themselves (`distort`, `demo`,
 * `platform-fit`): which ffmpeg build to use (media/ffmpeg.ts).
 * @module
 */
import { BACKEND_CHOICES } from "../media/ffmpeg.ts";
import type { FlagSpec } from "../util/cli.ts";

/** The flag table entry of `--backend` (default `auto`: native when installed, else wasm). */
export const BACKEND_FLAG: Record<"backend", FlagSpec> = {
  backend: {
    type: "string",
    description: "ffmpeg backend: auto (native when installed, else ffmpeg.wasm), native, wasm.",
    default: "auto",
    valueName: "<name>",
    choices: BACKEND_CHOICES,
  },
};
