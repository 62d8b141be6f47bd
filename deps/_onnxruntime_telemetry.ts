/**
 * Turns onnxruntime's telemetry off before the native library loads (internal to deps/; imported
 * first by deps/onnxruntime.ts, so every session of the library, main thread or worker, has it
 * off).
 *
 * onnxruntime-node 1.30.0's native library starts Microsoft's telemetry client when the first
 * session is created: it writes a persistent device id and an event database under
 * `$XDG_CACHE_HOME/Microsoft/DeveloperTools/.onnxruntime/` (`~/.cache/...`), a debug log in
 * `/tmp/mat-debug-<pid>.log`, and queues events (model graph name and metadata, the device id)
 * for upload. The library reads the environment variable `ORT_DISABLE_TELEMETRY` (any value)
 * when it starts the client, and the Node binding has no API for it, so it is set here, in this
 * process, before onnxruntime-node is evaluated (measured: with it set none of those files is
 * written; tests/onnx_telemetry_test.ts). Without `--allow-env` it cannot be set: one warning on
 * stderr says so and how to turn it off by hand.
 * @module
 */

/** The environment variable onnxruntime reads (onnxruntime/core/platform/posix/telemetry.cc). */
export const ORT_TELEMETRY_VARIABLE = "ORT_DISABLE_TELEMETRY";

try {
  Deno.env.set(ORT_TELEMETRY_VARIABLE, "1");
} catch {
  console.error(
    `dfrobust: could not turn onnxruntime's telemetry off (no --allow-env): set ` +
      `${ORT_TELEMETRY_VARIABLE}=1 in the environment to do it yourself.`,
  );
}
