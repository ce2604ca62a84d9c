/**
 * The command line that runs one of vadapt's own scripts (a workload, the WAN relay) in a child process, e.g.
 * inside a namespace with `ip netns exec`: the compiled `.js` when vadapt runs from dist/, else the `.ts` source
 * through tsx's loader (tests and benchmarks run from source).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { IoError } from "../../core/errors.js";

/** `[node, …, script]` for a script given as a URL ending in `.js`, relative to the calling module. */
export function nodeScriptArgv(jsUrl: URL): string[] {
  const js = fileURLToPath(jsUrl);
  if (existsSync(js)) return [process.execPath, js];
  const ts = js.replace(/\.js$/, ".ts");
  if (existsSync(ts)) return [process.execPath, "--import", import.meta.resolve("tsx"), ts];
  throw new IoError(js, "script not found (neither .js nor .ts)");
}
