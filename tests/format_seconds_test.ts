import assert from "node:assert/strict";
import { formatSeconds } from "../util/progress.ts";

Deno.test("formatSeconds() never prints a field at its limit (no 2m60s, no 60.0s, no 1h60m)", async (t) => {
  const cases: [number, string][] = [
    [0, "0.0s"],
    [12.34, "12.3s"],
    [59.94, "59.9s"],
    [59.95, "1m00s"],
    [59.97, "1m00s"],
    [60, "1m00s"],
    [119.5, "2m00s"],
    [179.6, "3m00s"],
    [245, "4m05s"],
    [3599.4, "59m59s"],
    [3599.6, "1h00m"],
    [7379, "2h03m"],
    [7199.9, "2h00m"],
    [-3, "0.0s"],
    [NaN, "?"],
    [Infinity, "?"],
  ];
  for (const [seconds, text] of cases) {
    await t.step(`${seconds} -> ${text}`, () => assert.equal(formatSeconds(seconds), text));
  }
  await t.step("every whole or tenth second up to 2 h has fields below their limits", () => {
    for (let tenth = 0; tenth < 72000; tenth += 3) {
      const text = formatSeconds(tenth / 10 + 0.049);
      const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d)?)s)?$/.exec(text);
      assert.ok(m, text);
      if (text.includes("h")) assert.ok(Number(text.split("h")[1].slice(0, 2)) < 60, text);
      else if (text.includes("m")) assert.ok(Number(m[3]) < 60, text);
      else assert.ok(Number(m[3]) < 60, text);
    }
  });
});
