/**
 * Child process of the service benchmark: publishes traffic reports as `hosts` agents would (one row of
 * `entries` cells per host per interval), or raw payloads of the same size, as fast as NATS takes them.
 * argv: url overlay hosts entries intervals mode(raw|reports)
 */
import { Buffer } from "node:buffer";
import { connect } from "@nats-io/transport-node";
import { encodeCells } from "../../src/core/messages/cells.js";
import { subjects } from "../../src/core/messages/subjects.js";
import { syntheticMac } from "../../src/core/model/ids.js";

const [url, overlay, hostsArg, entriesArg, intervalsArg, mode] = process.argv.slice(2);
const hosts = Number(hostsArg);
const entries = Number(entriesArg);
const intervals = Number(intervalsArg);
const nc = await connect({ servers: url! });
const cells = (h: number) => Array.from({ length: entries }, (_, j) => ({ src: syntheticMac(h + 1), dst: syntheticMac(((h + j + 1) % entries) + 1), bytes: 1000 + j, packets: 1 }));
// One encoded row per host, re-stamped per interval (encoding is the agents' cost, not the optimizer's).
const rows = Array.from({ length: hosts }, (_, h) => Buffer.from(encodeCells(cells(h))).toString("base64"));
const t0 = performance.now();
let n = 0;
for (let k = 0; k < intervals; k++) {
  for (let h = 0; h < hosts; h++) {
    const body = JSON.stringify({ v: 1, overlay, host: `h${h + 1}`, seq: k + 1, sentMs: k * 1000 + 1000, startMs: k * 1000, intervalMs: 1000, cells: rows[h] });
    const data = new TextEncoder().encode(body);
    nc.publish(mode === "raw" ? `bench.raw.${h}` : subjects.report(overlay!, "traffic", `h${h + 1}`), data);
    n++;
    if (n % 256 === 0) await nc.flush();
  }
}
await nc.flush();
process.stdout.write(JSON.stringify({ published: n, ms: performance.now() - t0 }) + "\n");
await nc.close();
