/**
 * zod schemas for the JSON that `ip -j`, `bridge -j` and `nft -j` print (only the fields vadapt reads; the rest
 * pass through), and a parser that turns unexpected output into an {@link ExternalError} naming the command.
 */
import { z } from "zod";
import { ExternalError } from "../../core/errors.js";
import { fieldProblems } from "../../core/validate.js";

/** Parses a tool's JSON output against a schema; empty output is an empty list for array schemas. */
export function parseJsonOutput<S extends z.ZodType>(schema: S, text: string, command: string): z.output<S> {
  let raw: unknown;
  const trimmed = text.trim();
  try {
    raw = trimmed === "" ? [] : JSON.parse(trimmed);
  } catch (e) {
    throw new ExternalError(command, `printed output that is not JSON: ${trimmed.slice(0, 120)}`, { cause: e });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const p = fieldProblems(r.error)[0];
    throw new ExternalError(command, `printed unexpected JSON at '${p?.field ?? ""}': ${p?.message ?? "invalid"}`);
  }
  return r.data;
}

const Stats = z.object({ bytes: z.number().nonnegative(), packets: z.number().nonnegative() }).loose();

/** One device in `ip -j [-d] [-s] link show`. */
export const IpLink = z
  .object({
    ifname: z.string(),
    address: z.string().optional(),
    master: z.string().optional(),
    ifalias: z.string().optional(),
    operstate: z.string().optional(),
    mtu: z.number().optional(),
    linkinfo: z
      .object({
        info_kind: z.string().optional(),
        info_data: z
          .object({
            id: z.number().optional(),
            remote: z.string().optional(),
            local: z.string().optional(),
            port: z.number().optional(),
          })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
    stats64: z.object({ rx: Stats, tx: Stats }).loose().optional(),
  })
  .loose();
export type IpLink = z.infer<typeof IpLink>;
export const IpLinks = z.array(IpLink);

/** One entry of `bridge -j fdb show`. */
export const FdbEntry = z
  .object({
    mac: z.string(),
    ifname: z.string(),
    master: z.string().optional(),
    state: z.string().optional(),
    flags: z.array(z.string()).default([]),
  })
  .loose();
export type FdbEntry = z.infer<typeof FdbEntry>;
export const FdbEntries = z.array(FdbEntry);

const NftConcat = z.object({ concat: z.tuple([z.string(), z.string()]) });
const NftCounter = z.object({ packets: z.number().nonnegative(), bytes: z.number().nonnegative() });

/** `nft -j list set …` of a `ether_addr . ether_addr` set with per-element counters. */
export const NftCounterSet = z.object({
  nftables: z.array(
    z
      .object({
        set: z
          .object({
            name: z.string(),
            elem: z.array(z.object({ elem: z.object({ val: NftConcat, counter: NftCounter }).loose() })).default([]),
          })
          .loose()
          .optional(),
      })
      .loose(),
  ),
});

/** `nft -j list map …` of an `ether_addr . ether_addr : iface_index` map (values: a device name, or a stale ifindex). */
export const NftPairMap = z.object({
  nftables: z.array(
    z
      .object({
        map: z
          .object({ name: z.string(), elem: z.array(z.tuple([NftConcat, z.union([z.string(), z.number()])])).default([]) })
          .loose()
          .optional(),
      })
      .loose(),
  ),
});

/** `nft -j -t list table …`: the chains and rules of a table (only chains' names and rules' chains and comments read). */
export const NftTableRules = z.object({
  nftables: z.array(
    z
      .object({
        chain: z.object({ name: z.string() }).loose().optional(),
        rule: z.object({ chain: z.string(), comment: z.string().optional() }).loose().optional(),
      })
      .loose(),
  ),
});
