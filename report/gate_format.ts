/**
 * The release gate's result (metrics/release_gate.ts) for people and for CI: a plain-text table
 * of every gated operation (stored and new value, drop, p, significance, status) with a verdict
 * line, and pretty JSON.
 * @module
 */
import { GATE_SIGNIFICANCE, type GateResult } from "../metrics/release_gate.ts";
import { tableMetric } from "../metrics/decision_metrics.ts";

/**
 * The gate as text: a verdict line (`PASS` / `FAIL: 1 operation regressed: h264_crf40 (-0.210)`),
 * the table (`run | operation | stored | new | drop | p | significant | status`, regressed and
 * missing rows first), the test used and the notes.
 */
export function gateText(result: GateResult): string {
  const label = tableMetric(result.metric).label;
  const bad = result.rows.filter((r) => r.status !== "ok");
  const verdict = result.passed
    ? `PASS: no ${label} drop above ${result.tolerance} (${result.rows.length} operations)`
    : `FAIL: ${bad.length} operation${bad.length === 1 ? "" : "s"} ${
      bad.every((r) => r.status === "regressed") ? "regressed" : "regressed or missing"
    }: ${
      bad.map((r) =>
        `${r.opId} (${r.status === "missing" ? "missing" : `drop ${r.drop!.toFixed(3)}`}${
          r.run && r.run !== r.baselineRun ? `, ${r.run}` : ""
        })`
      ).join(", ")
    }`;
  const f = (v: number | null) => (v === null ? "–" : v.toFixed(3));
  const rows = [...bad, ...result.rows.filter((r) => r.status === "ok")].map((r) => [
    r.run || r.baselineRun,
    r.opId,
    f(r.baseline),
    f(r.value),
    f(r.drop),
    r.p === null ? "–" : r.p < 0.001 ? "<0.001" : r.p.toFixed(3),
    r.significant === null ? "–" : r.significant ? "yes" : "no",
    r.status.toUpperCase(),
    r.note ?? "",
  ]);
  const heads = [
    "run",
    "operation",
    `stored ${label}`,
    `new ${label}`,
    "drop",
    "p",
    "significant",
    "status",
    "note",
  ];
  const widths = heads.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [
    verdict,
    "",
    line(heads),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    `Tolerance: a drop above ${result.tolerance} fails. p: ${result.test}; significant: p <= ${GATE_SIGNIFICANCE}.`,
    ...result.notes,
  ].join("\n") + "\n";
}

/** The gate as pretty JSON: the {@link GateResult} record. */
export function gateJson(result: GateResult): string {
  return JSON.stringify(result, null, 2) + "\n";
}
