/**
 * A report is shared: it holds no absolute path of the machine that made it. Paths under the
 * results store or the data (distort output) folder are shown relative to that folder, prefixed
 * with its name (`copies/unaltered/3f2a.../videos/a.mp4`); any other absolute path in a text (an
 * error message copied from the store, a sidecar or model path) is cut to its file name
 * (`…/faces.json`). Applied to every text of {@link ReportData} that may hold one: provenance,
 * notes, warnings, left-out details, unreadable parts, cell and curve notes, the contact sheet's note.
 * @module
 */
import { basename, isAbsolute, resolve } from "node:path";
import type { ReportData } from "./report_data.ts";

/** A folder whose paths are shown relative to it, under its name. */
export interface PathRoot {
  /** The folder as given (relative to the working folder, or absolute). */
  dir: string;
}

/** What marks a cut absolute path: `…/name`. */
export const CUT_PATH = "…";

/**
 * `text` with every absolute path relativised: a path under one of `roots` becomes
 * `<root name>/<path inside it>`, any other absolute path `…/<file name>`. A path is absolute when
 * it starts with `/` at the start of the text, after white space or an opening bracket or
 * quote; quoted paths may hold spaces. Idempotent.
 *
 * @example
 * ```ts
 * import { shareableText } from "./shareable_paths.ts";
 * shareableText('Cannot decode "/home/ana/data/copies/x/a b.mp4": moov atom not found', [
 *   { dir: "/home/ana/data/copies" },
 * ]);
 * // 'Cannot decode "copies/x/a b.mp4": moov atom not found'
 * ```
 */
export function shareableText(text: string, roots: readonly PathRoot[] = []): string {
  const resolved = roots.map((r) => resolve(r.dir)).filter((d) => d !== "/")
    .sort((a, b) => b.length - a.length);
  const shorten = (path: string): string => {
    for (const dir of resolved) {
      if (path === dir) return basename(dir);
      if (path.startsWith(`${dir}/`)) return `${basename(dir)}/${path.slice(dir.length + 1)}`;
    }
    const name = basename(path);
    return name === "" ? CUT_PATH : `${CUT_PATH}/${name}`;
  };
  return text
    // Quoted paths first (they may hold spaces), then bare ones up to white space or punctuation
    // that ends a path in a message.
    .replace(/(["'`])(\/[^"'`\n]*)\1/g, (_, quote, path) => `${quote}${shorten(path)}${quote}`)
    .replace(
      /(^|[\s(\[{=])(\/[^\s"'`()\[\]{}<>,;]+)/g,
      (_, before, path) =>
        `${before}${shorten(path.replace(/[.:]+$/, ""))}${path.match(/[.:]+$/)?.[0] ?? ""}`,
    );
}

/** Folders whose paths a report shows relative to them. */
export interface ShareableRoots {
  /** The results store folder. */
  storeDir?: string;
  /** The distort output folder (copy manifests). */
  dataDir?: string;
}

/**
 * `data` with no absolute path left in it (see {@link shareableText}): the store and data
 * folders become their names, copy manifest paths and unreadable parts relative to their
 * folder, every note, warning and left-out detail relativised. The roots default to the
 * provenance's `store` and `dataDir`. Returns a new record; `data` is not changed.
 */
export function shareableReportData(data: ReportData, roots: ShareableRoots = {}): ReportData {
  const storeDir = roots.storeDir ?? data.provenance.store;
  const dataDir = roots.dataDir ?? data.provenance.dataDir;
  const list = [storeDir, dataDir].filter((d): d is string => typeof d === "string" && d !== "")
    .map((dir) => ({ dir }));
  const text = (value: string) => shareableText(value, list);
  const folder = (dir: string) => isAbsolute(dir) ? basename(dir) || dir : text(dir);
  return {
    ...data,
    cells: data.cells.map((c) => c.note ? { ...c, note: text(c.note) } : c),
    rocs: data.rocs.map((r) => r.note ? { ...r, note: text(r.note) } : r),
    notes: data.notes.map(text),
    ...(data.contactSheetNote ? { contactSheetNote: text(data.contactSheetNote) } : {}),
    ...(data.terminalNotes ? { terminalNotes: data.terminalNotes.map(text) } : {}),
    ...(data.warnings ? { warnings: data.warnings.map(text) } : {}),
    ...(data.leftOut
      ? { leftOut: data.leftOut.map((v) => ({ ...v, detail: text(v.detail) })) }
      : {}),
    ...(data.damagedParts
      ? {
        damagedParts: data.damagedParts.map((p) => ({
          ...p,
          path: text(p.path),
          reason: text(p.reason),
        })),
      }
      : {}),
    provenance: {
      ...data.provenance,
      store: folder(data.provenance.store),
      ...(data.provenance.dataDir ? { dataDir: folder(data.provenance.dataDir) } : {}),
      copies: data.provenance.copies.map((c) => ({
        ...c,
        ...(c.manifestPath ? { manifestPath: text(c.manifestPath) } : {}),
        ...(c.sourceManifest ? { sourceManifest: text(c.sourceManifest) } : {}),
      })),
    },
  };
}
