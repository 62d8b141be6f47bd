/**
 * A worker for tests/shared_fixture_test.ts: asks for a shared fixture as a test file in another
 * `deno test --parallel` worker would, and posts back its folder. Each build appends "built" to
 * the counter file it is given.
 * @module
 */
import { sharedFixture } from "./_shared_fixture.ts";

// A worker's global scope (this file is type-checked with the main window's types).
const scope = self as unknown as {
  onmessage: (event: MessageEvent<{ name: string; counter: string }>) => void;
  postMessage: (message: string) => void;
};

scope.onmessage = async (event) => {
  const { name, counter } = event.data;
  const dir = await sharedFixture(name, {}, async () => {
    await Deno.writeTextFile(counter, "built\n", { append: true });
    // Long enough for the other worker to find the build running.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  scope.postMessage(dir);
};
