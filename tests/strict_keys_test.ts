import assert from "node:assert/strict";
import { checkKeys, nearestKey } from "../util/strict_keys.ts";

const SPEC_KEYS = ["name", "input", "crop", "faceRule", "videoRule", "failScore", "fakeIndex"];

Deno.test("nearestKey() finds the key a misspelling meant, or nothing when none is near", async (t) => {
  const table: [string, string, readonly string[], string | undefined][] = [
    ["snake_case for camelCase", "video_rule", SPEC_KEYS, "videoRule"],
    ["snake_case for camelCase, two words", "fail_score", SPEC_KEYS, "failScore"],
    ["kebab-case for camelCase", "face-rule", SPEC_KEYS, "faceRule"],
    ["another case", "VideoRule", SPEC_KEYS, "videoRule"],
    ["American for British", "color", ["layout", "colour", "scale"], "colour"],
    ["British for American", "colour", ["layout", "color", "scale"], "color"],
    ["-ise for -ize", "normalise", ["normalize", "size"], "normalize"],
    ["-isation for -ization", "normalisation", ["normalization"], "normalization"],
    ["centre for center", "centre", ["center", "scale"], "center"],
    ["grey for gray", "grey", ["gray", "green"], "gray"],
    ["one letter left out", "scal", ["kind", "scale"], "scale"],
    ["two letters swapped", "sacle", ["kind", "scale"], "scale"],
    ["one letter wrong", "layuot", ["layout", "size"], "layout"],
    ["two letters left out", "fakeIdx", SPEC_KEYS, "fakeIndex"],
    ["snake_case with a typo", "video_rul", SPEC_KEYS, "videoRule"],
    ["nothing near", "threshold", SPEC_KEYS, undefined],
    ["a short key is not stretched to fit", "id", ["kind", "size"], undefined],
    ["three edits are too many", "vidRl", SPEC_KEYS, undefined],
  ];
  for (const [label, key, valid, expected] of table) {
    await t.step(`${label}: "${key}" -> ${expected ?? "nothing"}`, () => {
      assert.equal(nearestKey(key, valid), expected);
    });
  }
});

Deno.test("checkKeys() names the file, the key's path and the nearest key, or lists the valid keys", async (t) => {
  class ThingError extends Error {
    override name = "ThingError";
  }
  const allowed = { layout: true, colour: true, size: true } as const;
  const options = {
    what: "detector spec",
    source: "my.json",
    path: "input",
    error: (message: string) => new ThingError(message),
  };
  await t.step("an object of valid keys passes", () => {
    checkKeys({ layout: "NCHW", colour: "RGB" }, allowed, options);
  });
  await t.step("a near key is suggested", () => {
    assert.throws(
      () => checkKeys({ layout: "NCHW", color: "BGR" }, allowed, options),
      (error: Error) => {
        assert.ok(error instanceof ThingError);
        assert.equal(
          error.message,
          'Unknown key "color" in detector spec "my.json" at input.color: did you mean "colour"?',
        );
        return true;
      },
    );
  });
  await t.step("with nothing near, the valid keys are listed", () => {
    assert.throws(
      () => checkKeys({ gamma: 2.2 }, allowed, options),
      {
        message: 'Unknown key "gamma" in detector spec "my.json" at input.gamma: ' +
          'valid keys are "layout", "colour", "size"',
      },
    );
  });
  await t.step("at the root the path is the key; a context names the kind", () => {
    assert.throws(
      () => checkKeys({ sise: 1 }, allowed, { ...options, path: "", context: "for kind x" }),
      {
        message:
          'Unknown key "sise" for kind x in detector spec "my.json" at sise: did you mean "size"?',
      },
    );
  });
  await t.step("a key inherited from Object.prototype is not a valid key", () => {
    assert.throws(
      () => checkKeys(JSON.parse('{"constructor": 1}'), allowed, options),
      /Unknown key "constructor"/,
    );
  });
});
