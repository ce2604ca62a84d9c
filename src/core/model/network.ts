import { z } from "zod";
import { HostId, Mac, VmId } from "./ids.js";

/** A physical host that runs an overlay daemon. Capacities as in the adaptation problem spec. */
export const Host = z.object({
  id: HostId,
  /** CPU capacity (cores, or any unit consistent with the VMs' `cpu`). */
  cpu: z.number().nonnegative().default(1),
  memMB: z.number().nonnegative().default(0),
  /** Bandwidth between two VMs on this host, Mbit/s. */
  localMbps: z.number().positive().default(10_000),
  /** Site (data centre, PoP) the host belongs to, if known. */
  site: z.string().optional(),
  /** Geographic position, if known (degrees). */
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
});
export type Host = z.infer<typeof Host>;
export type HostInput = z.input<typeof Host>;

/** A VM attached to the overlay, known to the data plane by its MAC. */
export const Vm = z.object({
  id: VmId,
  mac: Mac,
  /** The host it runs on at the start of the trace. */
  host: HostId.optional(),
  cpu: z.number().nonnegative().default(1),
  memMB: z.number().nonnegative().default(1024),
});
export type Vm = z.infer<typeof Vm>;
export type VmInput = z.input<typeof Vm>;

/** A directed overlay link (a VNET tunnel from one host's daemon to another's). */
export const OverlayLink = z.object({
  from: HostId,
  to: HostId,
  /** Available bandwidth, Mbit/s. */
  mbps: z.number().nonnegative(),
  /** One-way latency, ms. */
  latencyMs: z.number().nonnegative(),
  /** Whether the tunnel exists now (an inactive link may be created by a plan). */
  active: z.boolean().default(true),
});
export type OverlayLink = z.infer<typeof OverlayLink>;
export type OverlayLinkInput = z.input<typeof OverlayLink>;
