/**
 * util/command_on_path.ts finds a command as a shell does: the first PATH folder holding an
 * executable regular file of that name; a file without an execute bit, a folder of that name and
 * relative PATH entries do not count.
 * @module
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { commandOnPath } from "../util/command_on_path.ts";

Deno.test("commandOnPath() finds executable files on PATH only", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "dfrobust_on_path_" });
  try {
    const [bin, plain, dirs] = ["bin", "plain", "dirs"].map((d) => join(tmp, d));
    for (const d of [bin, plain, join(dirs, "tool")]) await Deno.mkdir(d, { recursive: true });
    await Deno.writeTextFile(join(bin, "tool"), "#!/bin/sh\n", { mode: 0o755 });
    await Deno.writeTextFile(join(plain, "tool"), "#!/bin/sh\n", { mode: 0o644 });
    assert.equal(commandOnPath("tool", bin), true);
    assert.equal(commandOnPath("tool", `${plain}:${dirs}:${bin}`), true);
    assert.equal(commandOnPath("tool", `${plain}:${dirs}`), false, "no execute bit; a folder");
    assert.equal(
      commandOnPath("tool", relative(Deno.cwd(), bin)),
      false,
      "relative entries are not searched",
    );
    assert.equal(commandOnPath("tool", ""), false);
    assert.equal(commandOnPath("no-such-tool", bin), false);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
