/**
 * Refusing files that are not regular files before reading them. A FIFO blocks `open` until a
 * writer comes (forever, in a dataset from strangers), and `/dev/zero` or another character
 * device never ends: hashing, probing or loading either hangs with no output. Every read of a
 * file dfrobust did not write itself (source videos, models, specs, hashed files) goes through
 * {@link assertRegularFile} or {@link openRegularFile}, which look at the file's type (links
 * followed) before the first read and name the file and its type when they refuse it.
 * @module
 */

/** Thrown for a path that exists but is not a regular file; the message names it and its type. */
export class NotRegularFileError extends Error {
  override name = "NotRegularFileError";
}

/** What kind of file `info` describes, in words (`a FIFO (named pipe)`, `a folder`, ...). */
export function fileKind(info: Deno.FileInfo): string {
  if (info.isFile) return "a regular file";
  if (info.isDirectory) return "a folder";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/**
 * Stats `path` (following links) and returns its info when it is a regular file. Throws
 * {@link NotRegularFileError} naming the file and its type (`"x.mp4" is a FIFO (named pipe),
 * not a regular file`) otherwise, and what `Deno.stat` throws for a missing or unreadable path.
 * Reads nothing of the file: it cannot hang.
 */
export async function assertRegularFile(path: string): Promise<Deno.FileInfo> {
  const info = await Deno.stat(path);
  if (!info.isFile) throw notRegular(path, info);
  return info;
}

/**
 * Opens `path` for reading once it is known to be a regular file (checked before the open, since
 * opening a FIFO blocks, and again on the open file, in case the path changed in between).
 * Throws as {@link assertRegularFile}, or what `Deno.open` throws. The caller closes the file.
 */
export async function openRegularFile(path: string): Promise<Deno.FsFile> {
  await assertRegularFile(path);
  const file = await Deno.open(path, { read: true });
  try {
    const info = await file.stat();
    if (!info.isFile) throw notRegular(path, info);
  } catch (error) {
    file.close();
    throw error;
  }
  return file;
}

/**
 * The bytes of a regular file (`Deno.readFile`, refusing what {@link openRegularFile} refuses).
 */
export async function readRegularFile(path: string): Promise<Uint8Array> {
  using file = await openRegularFile(path);
  return new Uint8Array(await new Response(file.readable).arrayBuffer());
}

/** The UTF-8 text of a regular file (`Deno.readTextFile`, refusing as {@link readRegularFile}). */
export async function readRegularTextFile(path: string): Promise<string> {
  return new TextDecoder().decode(await readRegularFile(path));
}

function notRegular(path: string, info: Deno.FileInfo): NotRegularFileError {
  return new NotRegularFileError(
    `"${path}" is ${fileKind(info)}, not a regular file: refused before reading it ` +
      `(a FIFO or device would never end); give a regular file`,
  );
}
