/**
 * Tests of the Linux overlay: they need root and `ip`, `bridge`, `nft`, `tc`, and skip loudly without them. Each
 * test file builds its own testbed named after its process id, and first removes the leftovers of earlier runs
 * whose process is gone.
 */
import { describe } from "vitest";
import { linuxOverlayUnavailable } from "../../src/adapters/linux/exec.js";
import { listNetns, processAlive } from "../../src/adapters/linux/netns.js";
import { testbedDown } from "../../src/adapters/linux/testbed.js";

export const LINUX_OVERLAY_UNAVAILABLE = linuxOverlayUnavailable();

/** `describe` that runs only where the Linux overlay can be built, and says loudly why not otherwise. */
export function describeLinux(name: string, fn: () => void): void {
  if (LINUX_OVERLAY_UNAVAILABLE !== null) {
    process.stderr.write(`\n*** SKIPPING "${name}": the Linux overlay ${LINUX_OVERLAY_UNAVAILABLE} ***\n\n`);
    describe.skip(name, fn);
    return;
  }
  describe(name, fn);
}

/** A testbed name for this test process: `<tag><pid>` (tag: a few lower-case letters). */
export function testbedName(tag: string): string {
  return `${tag}${process.pid}`.slice(0, 12);
}

/** Removes testbeds `<tag><pid>` left by test processes that no longer run (a crashed or killed earlier run). */
export async function sweepStaleTestbeds(tag: string): Promise<string[]> {
  const re = new RegExp(`^va-(${tag}(\\d+))-`);
  const stale = new Set<string>();
  for (const ns of await listNetns()) {
    const m = re.exec(ns);
    if (m !== null && !processAlive(Number(m[2]))) stale.add(m[1]!);
  }
  for (const name of stale) await testbedDown(name);
  return [...stale];
}
