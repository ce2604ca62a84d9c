import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixInnerChecksum } from "../../src/adapters/linux/inner-checksum.js";
import { FdbEntries, IpLinks, NftCounterSet, parseJsonOutput } from "../../src/adapters/linux/iproute-json.js";
import {
  connectivityGapMs,
  cpuPctBetween,
  parseLoadAvg,
  parseMemPct,
  parsePingProbes,
  parsePingSummaries,
  parsePingSummary,
  parseProcStat,
} from "../../src/adapters/linux/proc.js";
import { counterDeltas, isGroupMac, type PairCounter } from "../../src/adapters/linux/sniffer.js";
import { ExternalError } from "../../src/core/errors.js";
import { syntheticMac, type Mac } from "../../src/core/model/ids.js";

describe("/proc parsers", () => {
  it("reads CPU times, load average and memory", () => {
    const a = parseProcStat("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n");
    const b = parseProcStat("cpu  200 0 100 900 50 0 0 0 0 0\n");
    expect(a).toEqual({ busy: 150, total: 1000 });
    expect(cpuPctBetween(a, b)).toBeCloseTo(60);
    expect(cpuPctBetween(b, b)).toBe(0);
    expect(parseLoadAvg("0.47 0.56 0.30 1/147 23775\n")).toBe(0.47);
    expect(parseMemPct("MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    250 kB\n")).toBe(75);
    expect(() => parseProcStat("intr 1 2 3")).toThrow(ExternalError);
    expect(() => parseLoadAvg("x")).toThrow(ExternalError);
    expect(() => parseMemPct("MemTotal: 5 kB")).toThrow(ExternalError);
  });
});

describe("ping parsers", () => {
  it("reads summaries with and without replies", () => {
    const ok = "--- 10.251.255.3 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 401ms\nrtt min/avg/max/mdev = 21.2/21.6/22.9/0.5 ms\n";
    expect(parsePingSummary(ok)).toEqual({ transmitted: 3, received: 3, lossPct: 0, rttMinMs: 21.2, rttAvgMs: 21.6, rttMaxMs: 22.9 });
    const lost = "3 packets transmitted, 0 received, 100% packet loss, time 2043ms\n";
    expect(parsePingSummary(lost)).toMatchObject({ lossPct: 100, rttAvgMs: null });
    expect(() => parsePingSummary("ping: connect: Network is unreachable")).toThrow(ExternalError);
  });

  it("reads the summaries of pings run side by side, by address, whatever lines come between", () => {
    const out = [
      "PING 10.251.0.2 (10.251.0.2) 56(84) bytes of data.",
      "PING 10.251.0.3 (10.251.0.3) 56(84) bytes of data.",
      "",
      "--- 10.251.0.3 ping statistics ---",
      "2 packets transmitted, 2 received, 0% packet loss, time 101ms",
      "rtt min/avg/max/mdev = 0.041/0.050/0.059/0.009 ms",
      "PING 10.251.0.4 (10.251.0.4) 56(84) bytes of data.",
      "",
      "--- 10.251.0.2 ping statistics ---",
      "2 packets transmitted, 1 received, 50% packet loss, time 1100ms",
      "rtt min/avg/max/mdev = 40.1/40.1/40.1/0.0 ms",
      "",
      "--- 10.251.0.4 ping statistics ---",
      "2 packets transmitted, 0 received, 100% packet loss, time 1020ms",
      "",
    ].join("\n");
    const got = parsePingSummaries(out);
    expect([...got.keys()].sort()).toEqual(["10.251.0.2", "10.251.0.3", "10.251.0.4"]);
    expect(got.get("10.251.0.3")).toMatchObject({ lossPct: 0, rttAvgMs: 0.05 });
    expect(got.get("10.251.0.2")).toMatchObject({ lossPct: 50, rttAvgMs: 40.1 });
    expect(got.get("10.251.0.4")).toMatchObject({ lossPct: 100, rttAvgMs: null });
    expect(parsePingSummaries("sh: 1: ping: not found\n").size).toBe(0);
    // Fuzz: any text gives summaries or an ExternalError, nothing else.
    const line = fc.oneof(fc.string(), fc.constantFrom("--- 10.0.0.1 ping statistics ---", "1 packets transmitted, 1 received, 0% packet loss", "rtt min/avg/max/mdev = 1/2/3/0 ms"));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        try {
          for (const v of parsePingSummaries(lines.join("\n")).values()) expect(v.lossPct).toBeGreaterThanOrEqual(0);
        } catch (e) {
          expect(e).toBeInstanceOf(ExternalError);
        }
      }),
    );
  });

  it("measures the connectivity gap from send times, whatever the RTT", () => {
    const line = (t: number, seq: number, rtt: number): string => `[${(t / 1000).toFixed(6)}] 64 bytes from 10.251.0.2: icmp_seq=${seq} ttl=64 time=${rtt} ms`;
    const log = [
      "PING 10.251.0.2 (10.251.0.2) 56(84) bytes of data.",
      line(1000.1, 1, 0.1),
      line(1010.1, 2, 0.1),
      // seq 3..6 lost (the migration), then the VM is 20 ms further away
      line(1070, 7, 20),
      line(1080, 8, 20),
      "--- 10.251.0.2 ping statistics ---",
    ].join("\n");
    const probes = parsePingProbes(log);
    expect(probes.map((p) => p.seq)).toEqual([1, 2, 7, 8]);
    expect(connectivityGapMs(probes)).toBeCloseTo(40, 5);
    expect(connectivityGapMs(probes, 1040)).toBeCloseTo(10, 5);
    expect(connectivityGapMs(probes.slice(0, 1))).toBeNull();
  });
});

describe("pair counter deltas", () => {
  const pair = (i: number, j: number, bytes: number, packets: number): PairCounter => ({ src: syntheticMac(i), dst: syntheticMac(j), bytes, packets });
  const key = (c: PairCounter): string => `${c.src}>${c.dst}`;

  it("differences monotone counters, restarts from zero when a counter went back, skips group addresses", () => {
    const prev = new Map([pair(1, 2, 1000, 10), pair(2, 1, 500, 5), pair(1, 3, 9000, 9)].map((c) => [key(c), c]));
    const cur = [pair(1, 2, 1500, 12), pair(2, 1, 500, 5), pair(1, 3, 100, 1), pair(3, 1, 70, 1), { src: syntheticMac(1), dst: "ff:ff:ff:ff:ff:ff" as Mac, bytes: 60, packets: 1 }];
    expect(counterDeltas(prev, cur)).toEqual([
      { src: syntheticMac(1), dst: syntheticMac(2), bytes: 500, packets: 2 },
      { src: syntheticMac(1), dst: syntheticMac(3), bytes: 100, packets: 1 },
      { src: syntheticMac(3), dst: syntheticMac(1), bytes: 70, packets: 1 },
    ]);
    expect(isGroupMac("33:33:00:00:00:01")).toBe(true);
    expect(isGroupMac("02:00:00:00:00:01")).toBe(false);
  });

  it("sums of deltas over successive readings equal the final counters", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.nat(10_000)), { maxLength: 12 }), { maxLength: 6 }), (steps) => {
        const counters = new Map<string, PairCounter>();
        let prev = new Map<string, PairCounter>();
        const total = new Map<string, number>();
        for (const step of steps) {
          for (const [i, j, add] of step) {
            const c = pair(i + 1, j + 1, 0, 0);
            const old = counters.get(key(c));
            counters.set(key(c), { ...c, bytes: (old?.bytes ?? 0) + add, packets: (old?.packets ?? 0) + (add > 0 ? 1 : 0) });
          }
          const cur = [...counters.values()];
          for (const d of counterDeltas(prev, cur)) {
            expect(d.bytes).toBeGreaterThanOrEqual(0);
            total.set(`${d.src}>${d.dst}`, (total.get(`${d.src}>${d.dst}`) ?? 0) + d.bytes);
          }
          prev = new Map(cur.map((c) => [key(c), c]));
        }
        for (const c of counters.values()) expect(total.get(key(c)) ?? 0).toBe(c.bytes);
      }),
    );
  });
});

/** A VXLAN datagram (8-byte header, Ethernet, IPv4, TCP or UDP) with a correct or zeroed L4 checksum. */
function datagram(proto: 6 | 17, payload: Uint8Array, src: number[], dst: number[]): Uint8Array {
  const l4h = proto === 6 ? 20 : 8;
  const ipLen = 20 + l4h + payload.length;
  const b = new Uint8Array(8 + 14 + ipLen);
  b[8 + 12] = 0x08;
  b[8 + 13] = 0x00;
  const ip = 22;
  b[ip] = 0x45;
  b[ip + 2] = ipLen >> 8;
  b[ip + 3] = ipLen & 255;
  b[ip + 8] = 64;
  b[ip + 9] = proto;
  b.set(src, ip + 12);
  b.set(dst, ip + 16);
  const l4 = ip + 20;
  b[l4] = 0x9c;
  b[l4 + 1] = 0x40;
  b[l4 + 3] = 80;
  if (proto === 6) b[l4 + 12] = 5 << 4;
  else {
    b[l4 + 4] = (8 + payload.length) >> 8;
    b[l4 + 5] = (8 + payload.length) & 255;
    b[l4 + 6] = 0xde; // a garbage, non-zero checksum
  }
  b.set(payload, l4 + l4h);
  return b;
}

/** Independent check: the one's-complement sum over pseudo-header and segment (checksum included) is 0xffff. */
function verifies(b: Uint8Array): boolean {
  const ip = 22;
  const len = ((b[ip + 2]! << 8) | b[ip + 3]!) - 20;
  const words: number[] = [];
  const bytes = [...b.subarray(ip + 12, ip + 20), 0, b[ip + 9]!, len >> 8, len & 255, ...b.subarray(ip + 20, ip + 20 + len)];
  if (bytes.length % 2 === 1) bytes.push(0);
  for (let i = 0; i < bytes.length; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  let s = words.reduce((a, w) => a + w, 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}

describe("inner checksum of relayed VXLAN datagrams", () => {
  it("fills in a correct TCP or UDP checksum, whatever was there", () => {
    const ipv4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(fc.constantFrom(6 as const, 17 as const), fc.uint8Array({ maxLength: 1460 }), ipv4, ipv4, (proto, payload, src, dst) => {
        const d = datagram(proto, payload, src, dst);
        expect(fixInnerChecksum(d)).toBe(true);
        expect(verifies(d)).toBe(true);
        const again = d.slice();
        expect(fixInnerChecksum(again)).toBe(true);
        expect(again).toEqual(d);
      }),
    );
  });

  it("leaves other frames alone", () => {
    const arp = new Uint8Array(8 + 14 + 28);
    arp[8 + 12] = 0x08;
    arp[8 + 13] = 0x06;
    expect(fixInnerChecksum(arp)).toBe(false);
    const frag = datagram(6, new Uint8Array(100), [10, 0, 0, 1], [10, 0, 0, 2]);
    frag[22 + 6] = 0x20; // more fragments
    expect(fixInnerChecksum(frag)).toBe(false);
    const truncated = datagram(6, new Uint8Array(100), [10, 0, 0, 1], [10, 0, 0, 2]).subarray(0, 80);
    expect(fixInnerChecksum(truncated)).toBe(false);
    const udpNoSum = datagram(17, new Uint8Array(10), [10, 0, 0, 1], [10, 0, 0, 2]);
    udpNoSum[22 + 20 + 6] = 0;
    expect(fixInnerChecksum(udpNoSum)).toBe(false);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => void fixInnerChecksum(junk)));
  });
});

describe("iproute2 / nft JSON", () => {
  it("parses the fields vadapt reads", () => {
    const links = parseJsonOutput(
      IpLinks,
      '[{"ifindex":4,"ifname":"vx2","master":"br0","ifalias":"send","linkinfo":{"info_kind":"vxlan","info_data":{"id":3,"remote":"10.250.0.254","local":"10.250.0.1","port":10002}},"stats64":{"rx":{"bytes":1,"packets":1},"tx":{"bytes":2,"packets":2}}}]',
      "ip",
    );
    expect(links[0]).toMatchObject({ ifname: "vx2", ifalias: "send", linkinfo: { info_data: { id: 3, port: 10002 } } });
    expect(parseJsonOutput(FdbEntries, "", "bridge")).toEqual([]);
    const set = parseJsonOutput(
      NftCounterSet,
      '{"nftables":[{"metainfo":{"version":"1.0.6"}},{"set":{"family":"netdev","name":"pairs","elem":[{"elem":{"val":{"concat":["02:00:00:00:00:01","02:00:00:00:00:02"]},"counter":{"packets":3,"bytes":300}}}]}}]}',
      "nft",
    );
    expect(set.nftables[1]?.set?.elem[0]?.elem.counter).toEqual({ packets: 3, bytes: 300 });
  });

  it("turns any unexpected output into an ExternalError naming the command", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        for (const schema of [IpLinks, FdbEntries, NftCounterSet] as const) {
          try {
            parseJsonOutput(schema, text, "ip -j link show");
          } catch (e) {
            expect(e).toBeInstanceOf(ExternalError);
            expect((e as Error).message).toMatch(/^ip -j link show: /);
          }
        }
      }),
    );
  });
});
