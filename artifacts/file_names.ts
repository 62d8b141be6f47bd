/**
 * Safe file names for video ids: ids come from user manifests and may hold spaces, quotes,
 * unicode, slashes or a leading dash. The copy manifest keeps the id -> file mapping.
 * @module
 */
import { sha256Hex } from "../util/hash.ts";

/**
 * A file-name stem for `id`: ASCII letters, digits, `.`, `_` and `-`, never starting with `-` or
 * `.`, at most 80 characters. When anything had to change, 8 hex digits of the id's SHA-256 are
 * appended so two different ids never share a name.
 */
export function safeFileStem(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[-.]+/, "").slice(0, 80);
  if (cleaned === id && cleaned !== "") return cleaned;
  return `${cleaned || "video"}-${sha256Hex(id).slice(0, 8)}`;
}
