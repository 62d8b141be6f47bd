/**
 * Hashing helpers: streaming SHA-256 of files and a stable hash of plain data.
 * @module
 */
import { createHash } from "node:crypto";
import { openRegularFile } from "./regular_file.ts";

/**
 * SHA-256 of a file, read as a stream (constant memory). Returns lowercase hex. Links are
 * followed; a path that is not a regular file (a FIFO, `/dev/zero`, a folder) throws a
 * `NotRegularFileError` naming it before any read (util/regular_file.ts), a missing one what
 * `Deno.stat` throws.
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await openRegularFile(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/** SHA-256 of bytes or a UTF-8 string. Returns lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * JSON with object keys sorted at every level, so equal data always gives equal text.
 * `undefined` object members are dropped, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** SHA-256 (hex) of {@link canonicalJson}: a fingerprint of plain data. */
export function stableHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}
