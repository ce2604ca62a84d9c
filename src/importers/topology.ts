/**
 * A wide-area network for instance generation (`vadapt gen-instance`, the research harness): an SNDlib network
 * (native .txt or .xml) or a Topology Zoo GraphML file, its nodes the sites and its links the overlay links, with
 * the importers' warnings (links without a speed, defaults applied).
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { IoError } from "../core/errors.js";
import type { Topology } from "../core/instances/generate.js";
import { parseGraphml, zooOverlay } from "./graphml.js";
import { DEFAULT_LINK_LATENCY_MS, readSndlibNetwork, sndlibOverlayLinks } from "./sndlib.js";

/** Reads a whole text file; a failure is an {@link IoError} naming it. */
export async function readTextFile(path: string): Promise<string> {
  return readFile(path, "utf8").catch((e: unknown) => {
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
}

/** A topology from an SNDlib network or a Topology Zoo `.graphml`, with the importers' warnings. */
export async function readTopologyFile(path: string): Promise<{ topology: Topology; warnings: string[] }> {
  if (extname(path).toLowerCase() === ".graphml") {
    const overlay = zooOverlay(parseGraphml(await readTextFile(path), path));
    return { topology: { sites: overlay.hosts.map((h) => h.id), links: overlay.links }, warnings: overlay.warnings };
  }
  const net = await readSndlibNetwork(path);
  const warnings: string[] = [];
  const links = sndlibOverlayLinks(net, DEFAULT_LINK_LATENCY_MS, warnings);
  return { topology: { sites: net.nodes.map((n) => n.id), links }, warnings };
}
