/**
 * pcap import throughput (issue 2): packets/s and MB/s of `vadapt import pcap` (parse, aggregate per MAC pair and
 * 1 s interval, write the trace) on the largest real captures in ../shared/data/pcap, and on three ~100 MB
 * captures made by repeating real records with shifted timestamps: classic pcap from 1kxun/telegram/syslog/
 * test.pcap (all records, and only those of at most 128 bytes: the packet-rate stress case) and pcapng from
 * http_espn.pcapng. When tcpdump is installed, it times `tcpdump -r FILE -e -n > /dev/null` on the same files
 * and prints the ratio, both for the import in-process and for the built CLI as a process (Node's start-up
 * included, like tcpdump's; needs `npm run build`). Goal: the import within 3x of tcpdump.
 * Timings are medians of several runs; the big files are written to a temporary folder and removed.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPcap } from "../src/importers/pcap.js";
import { writeImported } from "../src/importers/write.js";
import { dataPath, HAVE_SHARED_DATA, REPO_ROOT } from "../test/helpers/data.js";

const BIG_BYTES = 100e6;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const haveTcpdump = spawnSync("tcpdump", ["--version"], { stdio: "ignore" }).status === 0;

function timeTcpdump(file: string): number {
  const devNull = openSync("/dev/null", "w");
  try {
    const t0 = performance.now();
    const r = spawnSync("tcpdump", ["-r", file, "-e", "-n"], { stdio: ["ignore", devNull, "ignore"] });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`tcpdump failed on ${file}`);
    return ms;
  } finally {
    closeSync(devNull);
  }
}

async function timeImport(file: string, out: string): Promise<{ ms: number; packets: number; pairs: number; macs: number }> {
  const t0 = performance.now();
  const imported = await openPcap(file);
  await writeImported(out, imported);
  const ms = performance.now() - t0;
  return { ms, packets: imported.stats.parse.packets, pairs: imported.stats.traffic.pairs, macs: imported.stats.traffic.macs };
}

/** The built CLI, for end-to-end timings that include Node's start-up (absent until `npm run build`). */
const CLI = join(REPO_ROOT, "dist/cli/main.js");
const haveCli = existsSync(CLI);

function timeCli(file: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, "import", "pcap", file, "-o", "/dev/null"], { stdio: "ignore" });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`vadapt import pcap failed on ${file}`);
  return ms;
}

/**
 * Times the import in-process and both commands as processes (`node dist/cli/main.js import pcap FILE -o /dev/null`
 * and tcpdump), alternating runs, `reps` times each after one warm-up import.
 */
async function measure(label: string, file: string, out: string, reps: number): Promise<void> {
  const mb = statSync(file).size / 1e6;
  await timeImport(file, out);
  const ours: number[] = [];
  const cli: number[] = [];
  const theirs: number[] = [];
  let info = { packets: 0, pairs: 0, macs: 0 };
  for (let i = 0; i < reps; i++) {
    const r = await timeImport(file, out);
    ours.push(r.ms);
    info = r;
    if (haveCli) cli.push(timeCli(file));
    if (haveTcpdump) theirs.push(timeTcpdump(file));
  }
  const ms = median(ours);
  let line = `${label.padEnd(36)} ${mb.toFixed(1).padStart(6)} MB ${String(info.packets).padStart(8)} pkts | in-process ${ms.toFixed(1).padStart(6)} ms = ${(info.packets / (ms / 1000) / 1e6).toFixed(2)} Mpkt/s, ${(mb / (ms / 1000)).toFixed(0).padStart(4)} MB/s`;
  const cliMs = haveCli ? median(cli) : NaN;
  if (haveCli) line += ` | CLI ${cliMs.toFixed(0).padStart(5)} ms`;
  if (haveTcpdump) {
    const td = median(theirs);
    line += ` | tcpdump ${td.toFixed(0).padStart(5)} ms | ratio in-process ${(ms / td).toFixed(2)}x`;
    if (haveCli) line += `, CLI ${(cliMs / td).toFixed(2)}x`;
  }
  process.stdout.write(`${line}\n`);
}

/** The records of little-endian microsecond pcap files (headers stripped). */
function pcapRecords(files: string[]): Uint8Array[] {
  const recs: Uint8Array[] = [];
  for (const f of files) {
    const b = new Uint8Array(readFileSync(f));
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (dv.getUint32(0, true) !== 0xa1b2c3d4) throw new Error(`${f}: expected a little-endian microsecond pcap`);
    for (let o = 24; o + 16 <= b.length; ) {
      const n = 16 + dv.getUint32(o + 8, true);
      recs.push(b.subarray(o, o + n));
      o += n;
    }
  }
  return recs;
}

/** Writes `prefix`, then `recs` repeated until the file reaches `BIG_BYTES`, shifting each copy's timestamps. */
function writeRepeated(path: string, prefix: Uint8Array, recs: Uint8Array[], shift: (rec: Uint8Array, rep: number) => void): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, prefix);
    let size = prefix.length;
    for (let rep = 0; size < BIG_BYTES; rep++) {
      const parts: Uint8Array[] = [];
      for (const r of recs) {
        const copy = r.slice();
        shift(copy, rep);
        parts.push(copy);
        size += copy.length;
      }
      writeSync(fd, Buffer.concat(parts));
    }
  } finally {
    closeSync(fd);
  }
}

if (!HAVE_SHARED_DATA) {
  process.stdout.write("pcap: ../shared/data not found; nothing to measure\n");
} else {
  const dir = mkdtempSync(join(tmpdir(), "vadapt-bench-pcap-"));
  try {
    const out = join(dir, "out.trace");
    if (!haveTcpdump) process.stdout.write("(tcpdump not installed: no comparison; apt-get install -y tcpdump)\n");
    if (!haveCli) process.stdout.write("(dist/cli/main.js not built: no end-to-end CLI timing; npm run build)\n");
    process.stdout.write("real captures (median of 15 runs):\n");
    for (const f of ["ndpi/1kxun.pcap", "chrissanders/http_espn.pcapng", "ndpi/sites.pcapng", "ndpi/telegram.pcap"]) {
      await measure(f, dataPath("pcap", f), out, 15);
    }

    // ~100 MB classic pcap: the real classic captures' records, repeated with timestamps a day apart per copy.
    const classic = ["ndpi/1kxun.pcap", "ndpi/telegram.pcap", "ndpi/syslog.pcap", "tcpreplay/test.pcap"].map((f) => dataPath("pcap", f));
    const recs = pcapRecords(classic);
    const bigPcap = join(dir, "big.pcap");
    writeRepeated(bigPcap, new Uint8Array(readFileSync(classic[0]!)).subarray(0, 24), recs, (r, rep) => {
      const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
      dv.setUint32(0, dv.getUint32(0, true) + rep * 86_400, true);
    });

    // ~100 MB of small frames only (the real records of at most 128 bytes): the packet-rate stress case.
    const smallPcap = join(dir, "small-frames.pcap");
    writeRepeated(smallPcap, new Uint8Array(readFileSync(classic[0]!)).subarray(0, 24), recs.filter((r) => r.length <= 16 + 128), (r, rep) => {
      const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
      dv.setUint32(0, dv.getUint32(0, true) + rep * 86_400, true);
    });

    // ~100 MB pcapng: http_espn.pcapng's section and interface, its packet blocks repeated 3 s apart per copy.
    const espn = new Uint8Array(readFileSync(dataPath("pcap", "chrissanders/http_espn.pcapng")));
    const edv = new DataView(espn.buffer, espn.byteOffset, espn.byteLength);
    let o = 0;
    const blocks: Uint8Array[] = [];
    let prefixEnd = 0;
    while (o < espn.length) {
      const type = edv.getUint32(o, true);
      const len = edv.getUint32(o + 4, true);
      if (type === 6) blocks.push(espn.subarray(o, o + len));
      else if (blocks.length === 0) prefixEnd = o + len;
      o += len;
    }
    const bigPcapng = join(dir, "big.pcapng");
    writeRepeated(bigPcapng, espn.subarray(0, prefixEnd), blocks, (r, rep) => {
      const dv = new DataView(r.buffer, r.byteOffset, r.byteLength);
      const ts = ((BigInt(dv.getUint32(12, true)) << 32n) | BigInt(dv.getUint32(16, true))) + BigInt(rep) * 3_000_000n;
      dv.setUint32(12, Number(ts >> 32n), true);
      dv.setUint32(16, Number(ts & 0xffffffffn), true);
    });

    process.stdout.write("large captures made from real records (median of 5 runs):\n");
    await measure("big.pcap (classic, repeated records)", bigPcap, out, 5);
    await measure("small-frames.pcap (<= 128 B frames)", smallPcap, out, 5);
    await measure("big.pcapng (repeated EPBs)", bigPcapng, out, 5);
    if (haveTcpdump) process.stdout.write("goal: import within 3x of tcpdump -r FILE -e -n > /dev/null (ratio <= 3; times are medians)\n");
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}
