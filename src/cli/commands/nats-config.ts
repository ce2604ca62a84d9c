import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { checkToken } from "../../core/messages/subjects.js";
import { natsAuthorization, type AuthUsers } from "../../service/nats-auth.js";
import { loadWorld } from "../../service/world.js";

export function registerNatsConfig(program: Command): void {
  program
    .command("nats-config")
    .description("print a nats-server authorization block for an overlay: one user per agent (own reports and commands only) and one for the optimizer")
    .requiredOption("--world <file>", "the overlay's world file (its hosts get agent users)")
    .requiredOption("--overlay <name>", "overlay (tenant) name")
    .option("--credentials <file>", "also write the generated users and passwords as JSON (for vadapt serve/agent --user/--pass)")
    .action(async (opts: { world: string; overlay: string; credentials?: string }) => {
      checkToken("--overlay", opts.overlay);
      const world = loadWorld(opts.world);
      const secret = (): string => randomBytes(18).toString("base64url");
      const users: AuthUsers = {
        overlay: opts.overlay,
        optimizer: { user: `vadapt-${opts.overlay}-optimizer`, pass: secret() },
        agents: world.hosts.map((h) => ({ host: checkToken("host id", h.id), user: `vadapt-${opts.overlay}-${h.id}`, pass: secret() })),
      };
      if (opts.credentials !== undefined) await writeFile(opts.credentials, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
      process.stdout.write(natsAuthorization([users]));
    });
}
