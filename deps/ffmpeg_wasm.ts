// deno-lint-ignore-file no-import-prefix -- the seam's purpose: full npm: specifiers travel with the module
/**
 * The one seam to ffmpeg.wasm (`@ffmpeg/ffmpeg` 0.12.15 + `@ffmpeg/core` 0.12.10). The static
 * imports only make Deno install the packages: `@ffmpeg/ffmpeg`'s `node` export is an empty stub,
 * so media/ffmpeg_wasm.ts imports the real browser build by file URL and hands the core over as
 * file URLs. Both resolve wherever Deno keeps npm packages (a `node_modules/` or its global cache).
 * @module
 */
import "npm:@ffmpeg/ffmpeg@0.12.15";
import "npm:@ffmpeg/core@0.12.10";

const ffmpegEntry = import.meta.resolve("npm:@ffmpeg/ffmpeg@0.12.15"); // dist/esm/empty.mjs
const coreEntry = import.meta.resolve("npm:@ffmpeg/core@0.12.10"); // dist/esm/ffmpeg-core.js

/** File URLs of the ffmpeg.wasm parts and the package versions they come from. */
export const FFMPEG_WASM_URLS: {
  module: URL;
  core: URL;
  wasm: URL;
  versions: string[];
} = {
  module: new URL("index.js", ffmpegEntry),
  core: new URL("ffmpeg-core.js", coreEntry),
  wasm: new URL("ffmpeg-core.wasm", coreEntry),
  versions: ["@ffmpeg/ffmpeg@0.12.15", "@ffmpeg/core@0.12.10"],
};
