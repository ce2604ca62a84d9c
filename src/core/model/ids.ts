import { z } from "zod";

/** A host (a machine running an overlay daemon) id, e.g. `h1` or an SNDlib node name. */
export const HostId = z.string().min(1).brand<"HostId">();
export type HostId = z.infer<typeof HostId>;

/** A VM id. In traces a VM is also known by its MAC. */
export const VmId = z.string().min(1).brand<"VmId">();
export type VmId = z.infer<typeof VmId>;

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** An Ethernet MAC address, canonical form: lower-case, colon-separated (`02:00:00:00:00:01`). */
export const Mac = z
  .string()
  .transform((s) => s.toLowerCase().replaceAll("-", ":"))
  .pipe(z.string().regex(MAC_RE, "a MAC address like 02:00:00:00:00:01"))
  .brand<"Mac">();
export type Mac = z.infer<typeof Mac>;

/** Brands a string as a host id without checking (for ids the caller has just made). */
export const hostId = (s: string): HostId => s as HostId;
/** Brands a string as a VM id without checking. */
export const vmId = (s: string): VmId => s as VmId;

/** Formats 6 bytes as a canonical MAC. */
export function macFromBytes(b: Uint8Array, offset = 0): Mac {
  let s = "";
  for (let i = 0; i < 6; i++) {
    const v = b[offset + i] ?? 0;
    s += (i === 0 ? "" : ":") + (v < 16 ? "0" : "") + v.toString(16);
  }
  return s as Mac;
}

/**
 * A locally administered unicast MAC derived from a number (02:00:xx:xx:xx:xx), for synthetic VMs and for
 * importers whose sources name ranks or nodes rather than MACs.
 */
export function syntheticMac(n: number): Mac {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`syntheticMac: ${n} is not a 32-bit index`);
  const b = new Uint8Array([0x02, 0x00, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  return macFromBytes(b);
}
