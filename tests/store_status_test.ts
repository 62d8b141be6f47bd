/** Row statuses (store/status.ts): one record each, what summaries count, what the docs list. */
import assert from "node:assert/strict";
import { isFailureStatus, ROW_STATUSES, UNREAD_STATUSES } from "../store/status.ts";

Deno.test("isFailureStatus() counts every status but ok, no_face and warnings, unknown ones too", () => {
  const failures = ROW_STATUSES.filter((r) => isFailureStatus(r.status)).map((r) => r.status);
  assert.deepEqual(failures, [
    "nan_score",
    "bad_score",
    "preprocess_error",
    "video_error",
    "damaged_video",
    "short_video",
    "decode_error",
    "pending",
  ]);
  assert.equal(isFailureStatus("a_newer_status"), true);
});

Deno.test("the statuses that leave a video out unread come in precedence order", () => {
  assert.deepEqual(UNREAD_STATUSES, [
    "video_error",
    "damaged_video",
    "short_video",
    "decode_error",
  ]);
});

Deno.test("docs/architecture.md lists every row status with its kind and meaning", async () => {
  const doc = await Deno.readTextFile(new URL("../docs/architecture.md", import.meta.url));
  const rows = new Set(
    doc.split("\n").filter((l) => l.startsWith("| `")).map((l) =>
      l.split("|").slice(1, 4).map((cell) => cell.trim()).join(" | ")
    ),
  );
  for (const { status, kind, description } of ROW_STATUSES) {
    const want = `\`${status}\` | ${kind} | ${description}`;
    assert.ok(rows.has(want), `docs/architecture.md lacks the row ${want}`);
  }
});
