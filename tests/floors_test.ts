/**
 * The floor rule of docs/architecture.md, checked on the code: every import of every .ts file of
 * the repository (tests/ aside) runs to its own folder or to a lower floor of the doc's floor
 * table, a `_` file is imported from its own folder only, and only deps/ names npm packages. The
 * table is read from the doc itself, so the doc is the one source of truth; the imports come from
 * Deno's own module graph (`deno info --json`: static imports, `export ... from`, `import type`
 * and literal dynamic imports), never from a regular expression over the text.
 */
import assert from "node:assert/strict";
import { basename, dirname, join, relative } from "node:path";

const REPO = new URL("../", import.meta.url).pathname;
const DOC = join(REPO, "docs", "architecture.md");
const FLOORS_HEADING = "The floors, top to bottom:";
/** Folders whose files are not rooms of the house: they may import from every floor. */
const OUTSIDE = ["tests/", "node_modules/"];

/**
 * The floor table of docs/architecture.md: room (a folder as `name/`, or a top-level file) ->
 * floor number, 1 = the ground. Throws when the fenced block after the heading is missing.
 */
export function parseFloorTable(markdown: string): Map<string, number> {
  const at = markdown.indexOf(FLOORS_HEADING);
  assert.ok(at >= 0, `docs/architecture.md has no "${FLOORS_HEADING}" line`);
  const block = /```\n([\s\S]*?)\n```/.exec(markdown.slice(at));
  assert.ok(block, `docs/architecture.md has no fenced floor table after "${FLOORS_HEADING}"`);
  const lines = block[1].split("\n").map((line) => line.trim()).filter((line) => line !== "");
  const floors = new Map<string, number>();
  lines.forEach((line, i) => {
    for (const room of line.split(",").map((name) => name.trim())) {
      assert.ok(!floors.has(room), `"${room}" stands on two floors of docs/architecture.md`);
      floors.set(room, lines.length - i);
    }
  });
  return floors;
}

/** The room a repository path belongs to: its top folder (`eval/`), or the file itself. */
function roomOf(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? path : path.slice(0, slash + 1);
}

/** One import of one file: the repository-relative paths and the specifier as written. */
interface Import {
  from: string;
  line: number;
  specifier: string;
  /** Repository-relative path of a file of this repository, else undefined. */
  to?: string;
}

async function repositoryTsFiles(dir = REPO): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    const rel = relative(REPO, path);
    if (entry.name.startsWith(".") || OUTSIDE.some((o) => `${rel}/`.startsWith(o))) continue;
    if (entry.isDirectory) files.push(...await repositoryTsFiles(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(rel);
  }
  return files.sort();
}

/** Every import of the given files, from Deno's module graph of a root that imports them all. */
async function importsOf(files: string[]): Promise<Import[]> {
  const dir = await Deno.makeTempDir({ prefix: "dfrobust_floors_" });
  try {
    const root = join(dir, "root.ts");
    await Deno.writeTextFile(
      root,
      files.map((f) => `import ${JSON.stringify(`file://${join(REPO, f)}`)};\n`).join(""),
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "info",
        "--json",
        "--no-npm",
        "--no-remote",
        "--config",
        join(REPO, "deno.json"),
        root,
      ],
      cwd: REPO,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules: {
        specifier: string;
        dependencies?: {
          specifier: string;
          code?: { specifier?: string; span: { start: { line: number } } };
          type?: { specifier?: string; span: { start: { line: number } } };
        }[];
      }[];
    };
    const repoUrl = `file://${REPO}`;
    const imports: Import[] = [];
    for (const module of graph.modules) {
      if (!module.specifier.startsWith(repoUrl)) continue;
      const from = decodeURIComponent(module.specifier.slice(repoUrl.length));
      if (!files.includes(from)) continue;
      for (const dep of module.dependencies ?? []) {
        for (const resolved of [dep.code, dep.type]) {
          if (!resolved) continue;
          const target = resolved.specifier ?? dep.specifier;
          imports.push({
            from,
            line: resolved.span.start.line + 1,
            specifier: dep.specifier,
            to: target.startsWith(repoUrl)
              ? decodeURIComponent(target.slice(repoUrl.length))
              : undefined,
          });
        }
      }
    }
    return imports;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * What is wrong with one import under the floor table, or undefined. bench/ may borrow the
 * generated inputs of tests/ (tests/ stands outside the house, beside it).
 */
export function floorOffence(imp: Import, floors: Map<string, number>): string | undefined {
  const where = `${imp.from}:${imp.line} imports "${imp.specifier}"`;
  if (imp.to === undefined) {
    const external = /^(npm|jsr|https?):/.test(imp.specifier);
    if (external && roomOf(imp.from) !== "deps/") {
      return `${where}: only deps/ imports packages (one seam file per package)`;
    }
    return undefined;
  }
  const fromRoom = roomOf(imp.from);
  const toRoom = roomOf(imp.to);
  if (toRoom === "tests/") {
    return fromRoom === "bench/" ? undefined : `${where}: only bench/ borrows from tests/`;
  }
  if (basename(imp.to).startsWith("_") && dirname(imp.to) !== dirname(imp.from)) {
    return `${where}: ${imp.to} starts with "_" and is internal to ${dirname(imp.to)}/`;
  }
  if (fromRoom === toRoom) return undefined;
  const fromFloor = floors.get(fromRoom);
  const toFloor = floors.get(toRoom);
  if (fromFloor === undefined) return `${where}: ${fromRoom} is not in the floor table`;
  if (toFloor === undefined) return `${where}: ${toRoom} is not in the floor table`;
  if (toFloor < fromFloor) return undefined;
  return `${where}: ${fromRoom} (floor ${fromFloor}) may import only from lower floors, ` +
    `and ${toRoom} stands on floor ${toFloor}`;
}

Deno.test("every import of the repository runs down the floor table of docs/architecture.md", async () => {
  const floors = parseFloorTable(await Deno.readTextFile(DOC));
  const files = await repositoryTsFiles();
  const unlisted = [...new Set(files.map(roomOf))].filter((room) => !floors.has(room));
  assert.deepEqual(unlisted, [], "rooms missing from the floor table of docs/architecture.md");
  const imports = await importsOf(files);
  // The graph really was read: mod.ts imports every stage.
  assert.ok(imports.filter((i) => i.from === "mod.ts").length > 50, "mod.ts imports not read");
  const offences = imports.map((i) => floorOffence(i, floors)).filter((o) => o !== undefined);
  assert.deepEqual(offences, [], `imports against docs/architecture.md:\n${offences.join("\n")}`);
});

Deno.test("floorOffence() names the file, the line and the floors of an import that runs up", async (t) => {
  const floors = parseFloorTable(await Deno.readTextFile(DOC));
  const check = (from: string, specifier: string, to?: string) =>
    floorOffence({ from, line: 3, specifier, to }, floors);
  await t.step("a lower floor, its own folder and node: builtins pass", () => {
    assert.equal(check("eval/evaluate.ts", "../store/store.ts", "store/store.ts"), undefined);
    assert.equal(check("store/store.ts", "./schema.ts", "store/schema.ts"), undefined);
    assert.equal(check("store/store.ts", "node:path"), undefined);
  });
  await t.step("an upward import and a same-floor neighbour fail", () => {
    assert.match(
      check("store/store.ts", "../detectors/spec.ts", "detectors/spec.ts")!,
      /^store\/store\.ts:3 imports "\.\.\/detectors\/spec\.ts": store\/ \(floor \d+\) may import only from lower floors, and detectors\/ stands on floor \d+$/,
    );
    assert.ok(check("store/store.ts", "../artifacts/plan.ts", "artifacts/plan.ts"));
  });
  await t.step(
    "another folder's _ file, a package outside deps/ and tests/ outside bench/ fail",
    () => {
      assert.match(
        check("eval/x.ts", "../media/_probe.ts", "media/_probe.ts")!,
        /internal to media\//,
      );
      assert.match(check("eval/x.ts", "npm:sharp@0.33.5")!, /only deps\//);
      assert.equal(check("deps/sharp.ts", "npm:sharp@0.33.5"), undefined);
      assert.match(check("eval/x.ts", "../tests/_fixtures.ts", "tests/_fixtures.ts")!, /bench/);
      assert.equal(check("bench/x.ts", "../tests/_fixtures.ts", "tests/_fixtures.ts"), undefined);
    },
  );
  await t.step("a room missing from the table fails", () => {
    assert.match(
      check("newroom/x.ts", "../util/hash.ts", "util/hash.ts")!,
      /not in the floor table/,
    );
  });
});
