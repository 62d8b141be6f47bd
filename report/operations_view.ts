/**
 * The report's "Operations" section: what each column of Table I did to the videos, in words
 * read off the operation records (ops/describe.ts) under the profile its copies were made with
 * (`H.264, CRF 40, libx264 preset medium`), so a reader of a printed report needs no catalog.
 * @module
 */
import { getOperation } from "../ops/catalog.ts";
import { describeOperation } from "../ops/describe.ts";
import type { EncodeProfile } from "../ops/profile.ts";
import type { TableColumn } from "../metrics/columns.ts";
import type { CopyProvenance } from "./provenance.ts";
import { type Html, joinHtml, safeHtml } from "../util/html.ts";
import { opLabel } from "../ops/catalog.ts";

/** One operation in words, as the Operations section lists it. */
export interface OperationRow {
  opId: string;
  /** The Table I column name (`CRF 40`). */
  label: string;
  /** ops/describe.ts `describeOperation(...).line`, or why there is none. */
  did: string;
  /** The family's sentence. */
  what: string;
  /** Profiles of the operation's copies in the store (`paper`). */
  profiles: string[];
}

/**
 * One row per column, in Table I's order: each operation described under the profile of its
 * copies (the first, where copies of one operation differ; all are named). An id the catalog
 * does not know (a chain, a newer catalog's operation) says so instead of a description.
 */
export function operationRows(
  columns: readonly Pick<TableColumn, "opId">[],
  copies: readonly CopyProvenance[],
): OperationRow[] {
  return columns.map(({ opId }) => {
    const profiles = [...new Set(copies.filter((c) => c.opId === opId).map((c) => c.profile))];
    let op;
    try {
      op = getOperation(opId);
    } catch {
      return {
        opId,
        label: opLabel(opId),
        did: "not an operation of this catalog (a chain or another version): see its copy manifest",
        what: "",
        profiles,
      };
    }
    const profile = (profiles.find((p) => p !== "source") ?? "paper") as EncodeProfile;
    const words = describeOperation(op, profile);
    return { opId, label: opLabel(opId), did: words.line, what: words.what, profiles };
  });
}

/** The Operations section as HTML. */
export function operationsHtml(rows: readonly OperationRow[]): Html | "" {
  if (rows.length === 0) return "";
  const body = rows.map((r) =>
    safeHtml`<tr><td>${r.label}</td><td><code>${r.opId}</code></td><td>${r.did}</td><td>${r.what}</td><td>${
      r.profiles.join(", ") || "–"
    }</td></tr>`
  );
  return safeHtml`<section id="operations">
<h2>Operations</h2>
<table class="prov ops"><thead><tr><th>Column</th><th>Operation</th><th>What was done (ffmpeg)</th>
<th>In words</th><th>Profile</th></tr></thead>
<tbody>
${joinHtml(body, "\n")}
</tbody></table>
<p class="caption">Read off the operation records of this dfrobust version (ops/); the exact
filter graph and encoder arguments of every copy are in its copy manifest (Provenance).</p>
</section>`;
}
