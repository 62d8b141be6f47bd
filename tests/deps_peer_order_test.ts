/**
 * The deps/ seams import a package's pinned peers before the package: without a lock file (a
 * notebook kernel outside the repo) npm packages are resolved in the order they are met, and a
 * package met before its peers gets their latest versions (vega-embed pulled vega-lite 6 and
 * vega 5.33.1 beside the pinned vega-lite 5.23.0, with a peer-dependency warning at every start).
 */
import assert from "node:assert/strict";

const DEPS = new URL("../deps/", import.meta.url);

// The `npm:name@version` specifiers of a seam, in source order.
function npmSpecifiers(source: string): { name: string; version: string }[] {
  return [...source.matchAll(/["']npm:((?:@[^/@"']+\/)?[^/@"']+)@([^"'/]+)["']/g)].map((m) => ({
    name: m[1],
    version: m[2],
  }));
}

// The peers a package declares, read from its package.json in the repo's node_modules (deno.json:
// nodeModulesDir auto; a package with peers sits in `.deno/<name>@<version>_<peer>@<version>...`).
async function peersOf(name: string, version: string): Promise<string[]> {
  const store = new URL("../node_modules/.deno/", import.meta.url);
  const folder = `${name.replace("/", "+")}@${version}`;
  for await (const entry of Deno.readDir(store)) {
    if (entry.name !== folder && !entry.name.startsWith(`${folder}_`)) continue;
    const file = new URL(`${entry.name}/node_modules/${name}/package.json`, store);
    const json = JSON.parse(await Deno.readTextFile(file));
    return Object.keys(json.peerDependencies ?? {});
  }
  throw new Error(`${name}@${version} is not in node_modules (run deno install first)`);
}

Deno.test("every deps/ seam imports a package's pinned peers before the package", async (t) => {
  for await (const entry of Deno.readDir(DEPS)) {
    if (!entry.name.endsWith(".ts")) continue;
    const source = await Deno.readTextFile(new URL(entry.name, DEPS));
    const specifiers = npmSpecifiers(source);
    const firstAt = new Map<string, number>();
    specifiers.forEach((s, i) => firstAt.has(s.name) || firstAt.set(s.name, i));
    await t.step(entry.name, async () => {
      for (const [name, at] of firstAt) {
        for (const peer of await peersOf(name, specifiers[at].version)) {
          const peerAt = firstAt.get(peer);
          if (peerAt === undefined) continue;
          assert.ok(peerAt < at, `${entry.name}: import "${peer}" before "${name}" (its peer)`);
        }
      }
    });
  }
});
