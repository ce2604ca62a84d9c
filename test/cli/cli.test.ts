import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { REPO_ROOT } from "../helpers/data.js";

const CLI = join(REPO_ROOT, "dist/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "vadapt-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function allCommands(c: Command, path: string[] = []): string[][] {
  return c.commands.flatMap((sub) => [[...path, sub.name()], ...allCommands(sub, [...path, sub.name()])]);
}

describe("vadapt CLI", () => {
  it("has --help on every command", async () => {
    const cmds = allCommands(await buildProgram());
    expect(cmds.map((c) => c.join(" "))).toEqual(expect.arrayContaining(["plan", "serve", "approve", "agent", "import pcap", "testbed up", "report", "experiment"]));
    expect(cmds.length).toBeGreaterThan(2);
    for (const c of cmds) {
      const r = run([...c, "--help"]);
      expect(r.code, c.join(" ")).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: vadapt ${c.join(" ")} `));
    }
  });

  it("lists every command in the top-level help and suggests one for a typo", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["plan", "serve", "approve", "solve", "infer", "predict", "import", "testbed", "report", "experiment"]) expect(r.stdout).toMatch(new RegExp(`\\n  ${c} `));
    const typo = run(["plna", "x"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean plan\?/);
  });

  it("inspects the bundled sample trace", () => {
    const r = run(["inspect", "traces/bsp-ring-8.trace"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hosts\s+4/);
    expect(r.stdout).toMatch(/VMs\s+8/);
    expect(r.stdout).toMatch(/intervals\s+60/);
    expect(r.stdout).toMatch(/16 MAC pairs/);
    const j = JSON.parse(run(["inspect", "--json", "traces/bsp-ring-8.trace"]).stdout) as { totalBytes: number; reportedBytes: number; badLines: number };
    expect(j.badLines).toBe(0);
    // Every ring pair crosses hosts, so each frame is reported by both ends.
    expect(j.reportedBytes).toBe(2 * j.totalBytes);
  });

  it("reports a bad line with file, line and field, exit code 2; --lenient goes on", () => {
    const lines = readFileSync(join(REPO_ROOT, "traces/bsp-ring-8.trace"), "utf8").split("\n");
    lines[5] = lines[5]!.replace(/"tMs":\d+/, '"tMs":"soon"');
    const bad = join(dir, "bad.trace");
    writeFileSync(bad, lines.join("\n"));
    const strict = run(["inspect", bad]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`${bad}:6: field 'tMs'`);
    const lenient = run(["inspect", "--lenient", bad]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/bad lines\s+1 \(skipped\)/);
  });

  it("regenerates the bundled samples byte for byte from the commands in traces/README.md", () => {
    const readme = readFileSync(join(REPO_ROOT, "traces/README.md"), "utf8");
    const cmds = [...readme.matchAll(/`vadapt (gen-trace [^`]*) -o (traces\/[^`\s]+)`/g)];
    expect(cmds.length).toBe(2);
    for (const [, args, out] of cmds) {
      const fresh = join(dir, "regen.trace");
      execFileSync(process.execPath, [CLI, ...args!.split(" "), "-o", fresh], { cwd: REPO_ROOT, stdio: "pipe" });
      expect(readFileSync(fresh, "utf8") === readFileSync(join(REPO_ROOT, out!), "utf8"), out).toBe(true);
    }
  });
});
