import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { testbedDown, testbedStatus, testbedUp } from "../../adapters/linux/testbed.js";
import { ConfigError, IoError } from "../../core/errors.js";
import { layoutOf } from "../../core/testbed/layout.js";
import { TestbedSpec } from "../../core/testbed/spec.js";
import { worldOfTestbed } from "../../core/testbed/world.js";
import { parseConfig } from "../../core/validate.js";
import { table } from "../format.js";

/** Reads and validates a testbed spec file (errors name the file and field). */
export async function readSpec(file: string): Promise<TestbedSpec> {
  const text = await readFile(file, "utf8").catch((e: unknown) => {
    throw new IoError(file, `cannot read spec: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new IoError(file, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseConfig(TestbedSpec, raw, file);
}

const NAME_RE = /^[a-z][a-z0-9]{0,11}$/;

export function registerTestbed(program: Command): void {
  const tb = program
    .command("testbed")
    .description("an emulated multi-site WAN in network namespaces (hosts, VMs, shaped site links, the Linux overlay); needs root");

  tb.command("up")
    .description("build the testbed a JSON spec describes (see docs/overlay.md)")
    .argument("<spec>", "testbed spec (JSON)")
    .action(async (file: string) => {
      const spec = await readSpec(file);
      const layout = await testbedUp(spec, { log: (l) => process.stderr.write(`testbed ${spec.name}: ${l}\n`) });
      const rows = layout.vms.map((v) => [v.id, v.home, v.mac, v.ip, v.netns]);
      process.stdout.write(`${table(["vm", "host", "mac", "ip", "namespace"], rows)}\n`);
      process.stdout.write(`run a command in a VM: ip netns exec ${layout.vms[0]?.netns ?? `${layout.prefix}v0`} <command>\n`);
    });

  tb.command("down")
    .description("remove a testbed: every namespace named va-<name>-* (also the leftovers of a crashed run) and the processes in them")
    .argument("<spec-or-name>", "testbed spec (JSON) or the testbed's name")
    .action(async (arg: string) => {
      let name: string;
      if (existsSync(arg)) name = (await readSpec(arg)).name;
      else if (NAME_RE.test(arg)) name = arg;
      else throw new ConfigError("testbed down", [`'${arg}' is neither a spec file nor a testbed name`]);
      const { namespaces } = await testbedDown(name);
      process.stdout.write(namespaces.length === 0 ? `testbed ${name}: nothing to remove\n` : `testbed ${name}: removed ${namespaces.length} namespaces\n`);
    });

  tb.command("world")
    .description("print the overlay the testbed is, as the optimizer's world file (for `vadapt serve --world`): hosts, VMs with MACs, and every host-to-host link with the WAN's rate and delay")
    .argument("<spec>", "testbed spec (JSON)")
    .action(async (file: string) => {
      process.stdout.write(`${JSON.stringify(worldOfTestbed(await readSpec(file)), null, 2)}\n`);
    });

  tb.command("status")
    .description("what exists of a testbed: namespaces, and per host its links, rules and VMs")
    .argument("<spec>", "testbed spec (JSON)")
    .option("--json", "print JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      const spec = await readSpec(file);
      const st = await testbedStatus(spec);
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify(st, null, 2)}\n`);
        return;
      }
      const layout = layoutOf(spec);
      const expected = layout.sites.length + layout.hosts.length + layout.vms.length;
      process.stdout.write(`testbed ${st.name}: ${st.namespaces.length} of ${expected} namespaces${st.complete ? "" : " (incomplete: run `vadapt testbed down`)"}\n`);
      if (!st.complete) return;
      const rows = st.hosts.map((h) => [h.host, h.site, h.vms.join(" ") || "-", h.links.join(" ") || "-", h.rules.length]);
      process.stdout.write(`${table(["host", "site", "vms", "links to", "pair rules"], rows)}\n`);
      process.stdout.write(`relay processes: ${Object.entries(st.relays).map(([s, n]) => `${s}=${n}`).join(" ")}\n`);
    });
}
