/** Locating the real data sets in ../shared/data; tests that need them skip loudly when absent. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SHARED_DATA = resolve(REPO_ROOT, "../shared/data");
export const HAVE_SHARED_DATA = existsSync(SHARED_DATA);

/** Path of a file under ../shared/data. */
export function dataPath(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

/** `describe` that runs only where ../shared/data exists, and says so loudly when it does not. */
export function describeWithData(name: string, fn: () => void): void {
  if (!HAVE_SHARED_DATA) {
    process.stderr.write(`\n*** SKIPPING "${name}": ../shared/data not found at ${SHARED_DATA} ***\n\n`);
    // the suite's body is not run: it may read the data while the tests are collected
    describe.skip(name, () => it(`needs ${SHARED_DATA}`, () => {}));
    return;
  }
  describe(name, fn);
}
