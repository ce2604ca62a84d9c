import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureOutput } from "../helpers/cli.js";
import { ethFrame, pcapFile } from "../importers/pcap-build.js";
import { dataPath, describeWithData, REPO_ROOT } from "../helpers/data.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-cli-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = captureOutput();

const A = "02:00:00:00:00:0a";
const B = "02:00:00:00:00:0b";
const small = pcapFile([
  { sec: 100, frac: 0, data: ethFrame(B, A) },
  { sec: 101, frac: 0, data: ethFrame(A, B, { tags: [0x8100] }) },
  { sec: 102, frac: 0, data: ethFrame(A, B) },
]);

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), ...args], { cwd: REPO_ROOT, encoding: "utf8" });
}

function lines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("vadapt import pcap", () => {
  // Help and option errors end in process.exit inside commander's subcommands, so they run in a child process.
  it("explains what it counts and writes in --help", () => {
    const { status, stdout: help } = cli(["import", "pcap", "--help"]);
    expect(status).toBe(0);
    expect(help).toMatch(/Usage: vadapt import pcap \[options\] <file>/);
    for (const s of ["--interval-ms <ms>", "(default: 1000)", "-o, --output <file>", "orig_len", "not the captured length", "802.1Q", "Unix time in ms", "id is the MAC", "E_BAD_CAPTURE"]) expect(help).toContain(s);
  });

  it("imports a capture and reports its counts", async () => {
    const cap = join(dir, "small.pcap");
    writeFileSync(cap, small);
    const trace = join(dir, "small.trace");
    expect(await main(["import", "pcap", cap, "-o", trace, "--interval-ms", "2000"])).toBe(0);
    expect(io.err).toContain(`wrote ${trace}: 4 events (2 traffic intervals of 2000 ms), 3 frames, 184 B (184 bytes), 2 MACs (2 as source, 0 multicast/broadcast), 2 MAC pairs; pcap with 1 interface(s), 3 records read`);
    const l = lines(trace);
    expect(l.map((e) => e.type)).toEqual(["header", "vm", "vm", "traffic", "traffic"]);
    expect(l[3]).toEqual({ type: "traffic", tMs: 102_000, startMs: 100_000, intervalMs: 2000, entries: [[A, B, 60, 1], [B, A, 64, 1]] });
  });

  it("keeps what precedes a truncated final record, with a warning", async () => {
    const cap = join(dir, "cut.pcap");
    writeFileSync(cap, small.subarray(0, small.length - 7));
    expect(await main(["import", "pcap", cap, "-o", join(dir, "cut.trace")])).toBe(0);
    expect(io.err).toContain("warning: cut.pcap: the capture ends inside a record at byte 180 (69 of its 76 bytes); that record was dropped, the 2 packet(s) before it kept");
  });

  it("fails with exit code 2 and the byte offset on a corrupt record, after writing what came before", async () => {
    const bad = small.slice();
    new DataView(bad.buffer).setUint32(24 + 76 + 8, 0xffff_fff0, true);
    const cap = join(dir, "bad.pcap");
    writeFileSync(cap, bad);
    const trace = join(dir, "bad.trace");
    expect(await main(["import", "pcap", cap, "-o", trace])).toBe(2);
    expect(io.err).toContain(`vadapt: ${cap} (byte 100): packet record claims 4294967280 captured bytes`);
    expect(io.err).toContain("[E_BAD_CAPTURE]");
    expect(lines(trace).map((e) => e.type)).toEqual(["header", "vm", "vm", "traffic"]);
  });

  it("refuses a file that is not a capture before creating the output; a missing file is an I/O error", async () => {
    const notCap = join(dir, "notes.txt");
    writeFileSync(notCap, "hello, world\n");
    const trace = join(dir, "never.trace");
    expect(await main(["import", "pcap", notCap, "-o", trace])).toBe(2);
    expect(io.err).toContain(`${notCap} (byte 0): not a pcap or pcapng capture (magic number 0x68656c6c)`);
    expect(existsSync(trace)).toBe(false);
    const empty = join(dir, "empty.pcap");
    writeFileSync(empty, "");
    expect(await main(["import", "pcap", empty, "-o", trace])).toBe(2);
    expect(io.err).toContain(`${empty} (byte 0): empty file: not a pcap or pcapng capture`);
    writeFileSync(empty, small.subarray(0, 20));
    expect(await main(["import", "pcap", empty, "-o", trace])).toBe(2);
    expect(io.err).toContain("the file ends after 20 bytes, inside its capture header");
    expect(existsSync(trace)).toBe(false);
    expect(await main(["import", "pcap", join(dir, "missing.pcap"), "-o", trace])).toBe(1);
    expect(io.err).toContain("[E_IO]");
  });

  it("rejects a bad --interval-ms", () => {
    const { status, stderr } = cli(["import", "pcap", "x.pcap", "-o", "-", "--interval-ms", "1.5"]);
    // Not 2: main() sets exitOverride on the root command only, so a subcommand's usage error exits via commander (1).
    expect(status).not.toBe(0);
    expect(stderr).toContain("'1.5' is not a positive integer");
  });
});

describeWithData("vadapt import pcap on a real capture", () => {
  it("1kxun.pcap: 1723 frames, 44 MACs (36 source), 66 pairs", async () => {
    const trace = join(dir, "1kxun.trace.gz");
    expect(await main(["import", "pcap", dataPath("pcap", "ndpi/1kxun.pcap"), "-o", trace, "--interval-ms", "60000"])).toBe(0);
    expect(io.err).toContain("5 traffic intervals of 60000 ms), 1723 frames, 2.53 MB (2527774 bytes), 44 MACs (36 as source, 8 multicast/broadcast), 66 MAC pairs");
    expect(await main(["inspect", "--json", trace])).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ vms: 44, intervals: 5, totalBytes: 2527774, totalPackets: 1723, pairs: 66, badLines: 0 });
  });
});
