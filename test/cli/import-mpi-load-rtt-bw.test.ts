import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureOutput } from "../helpers/cli.js";
import { dataPath, describeWithData } from "../helpers/data.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-cli-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = captureOutput();

const header = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, "utf8").split("\n")[0]!) as Record<string, unknown>;

describeWithData("vadapt import mpi|load|rtt|bw", () => {
  it("mpi with --hosts and --placement", async () => {
    const o = join(dir, "cg.trace");
    expect(await main(["import", "mpi", dataPath("mpi-comm-graphs/NPB/cg_results/64_ranks"), "--hosts", "8", "--placement", "round-robin", "-o", o])).toBe(0);
    expect(io.err).toMatch(/wrote .*cg\.trace: 8 hosts, 0 links, 64 VMs, 1 events/);
    expect((header(o).vms as Array<{ host: string }>)[9]!.host).toBe("h2");
    expect(await main(["import", "mpi", dataPath("mpi-comm-graphs/CoMD/1000_ranks"), "-o", join(dir, "comd.trace")])).toBe(0);
    expect(io.err).toMatch(/warning: no mpiP report/);
    expect(await main(["import", "mpi", dataPath("mpi-comm-graphs"), "-o", join(dir, "x.trace")])).toBe(1);
    expect(await main(["import", "mpi", dataPath("mpi-comm-graphs/NPB/cg_results/64_ranks"), "--placement", "diagonal", "-o", join(dir, "x.trace")])).not.toBe(0);
    expect(io.err).toMatch(/'diagonal' is not one of block, round-robin/);
  });
  it("load with --format, strict and lenient", async () => {
    const day = dataPath("planetlab-cpu/20110303");
    const three = readdirSync(day).sort().slice(0, 3).map((f) => join(day, f));
    expect(await main(["import", "load", ...three, "--format", "planetlab", "-o", join(dir, "pl.trace.gz")])).toBe(0);
    expect(io.err).toMatch(/0 hosts, 0 links, 3 VMs, 864 events/);
    const bad = join(dir, "vm-bad");
    writeFileSync(bad, "5\n7\nseven\n9\n");
    expect(await main(["import", "load", bad, "--format", "planetlab", "-o", join(dir, "bad.trace")])).toBe(2);
    expect(io.err).toMatch(/vm-bad:3: field 'cpu': 'seven' is not a number \[E_BAD_INPUT\]/);
    io.err = "";
    expect(await main(["import", "load", bad, "--format", "planetlab", "--lenient", "-o", join(dir, "bad.trace")])).toBe(0);
    expect(io.err).toMatch(/warning: skipped 1 malformed line/);
    expect(io.err).toMatch(/1 VMs, 3 events/);
  });
  it("rtt with --slice-ms", async () => {
    const o = join(dir, "rtt.trace");
    expect(await main(["import", "rtt", join(dataPath("rtt-seattle/Seattle_first48"), "SeattleData_2"), "--slice-ms", "60000", "-o", o])).toBe(0);
    expect(header(o)).toMatchObject({ intervalMs: 60000 });
    expect(io.err).toMatch(/99 hosts, 0 links, 0 VMs, \d+ events/);
    expect(io.err).toMatch(/warning: \d+ of 9702 off-diagonal RTTs are missing/);
  });
  it("bw with --bin-ms, --from, --to", async () => {
    const o = join(dir, "bw.trace");
    expect(await main(["import", "bw", dataPath("mahimahi-bw/Verizon-LTE-short.up"), "--bin-ms", "10000", "--from", "ue", "--to", "dc", "-o", o])).toBe(0);
    expect(io.err).toMatch(/2 hosts, 0 links, 0 VMs, 14 events/);
    expect(readFileSync(o, "utf8").split("\n")[1]).toMatch(/^\{"type":"link","tMs":10000,"from":"ue","to":"dc","mbps":/);
    expect(await main(["import", "bw", dataPath("mahimahi-bw/Verizon-LTE-short.up"), "--bin-ms", "0", "-o", o])).not.toBe(0);
    expect(io.err).toMatch(/'0' is not a positive integer/);
  });
});
