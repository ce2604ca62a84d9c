/** The code version recorded with every result: the package's version and, where available, the git commit. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { CodeVersion } from "../core/experiment/results.js";

/** vadapt's version and commit (`<sha>` or `<sha>-dirty` with uncommitted changes; null outside a git checkout). */
export function codeVersion(): CodeVersion {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  let pkg = "unknown";
  try {
    const parsed: unknown = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
    if (typeof parsed === "object" && parsed !== null && "version" in parsed && typeof parsed.version === "string") pkg = parsed.version;
  } catch {
    // an installed copy without its package.json: the version stays unknown
  }
  let commit: string | null = null;
  try {
    const git = (args: string[]): string => execFileSync("git", args, { cwd: dirname(`${root}package.json`), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    commit = git(["rev-parse", "HEAD"]);
    if (git(["status", "--porcelain", "--untracked-files=no"]) !== "") commit += "-dirty";
  } catch {
    commit = null;
  }
  return { package: pkg, commit };
}
