/**
 * A nats-server `authorization` block for one overlay: a user per agent that may publish only its own host's
 * reports and receive only its own host's commands (replying through `allow_responses`), and an optimizer user.
 * Another overlay's users, or a client without credentials, can do neither.
 */
import { subjects } from "../core/messages/subjects.js";

export interface AuthUsers {
  readonly overlay: string;
  readonly optimizer: { readonly user: string; readonly pass: string };
  readonly agents: ReadonlyArray<{ readonly host: string; readonly user: string; readonly pass: string }>;
}

const q = (s: string): string => JSON.stringify(s);
const list = (xs: readonly string[]): string => `[${xs.map(q).join(", ")}]`;

/** The users of one overlay as nats-server configuration entries (to go inside `authorization { users = [...] }`). */
export function natsUsers(a: AuthUsers): string[] {
  const o = a.overlay;
  const out: string[] = [];
  out.push(
    `{ user: ${q(a.optimizer.user)}, password: ${q(a.optimizer.pass)}, permissions: { ` +
      `publish: { allow: ${list([`vadapt.${o}.cmd.>`, subjects.plan(o), "$JS.API.>", `$KV.vadapt_${o}.>`, "_INBOX.>"])} }, ` +
      `subscribe: { allow: ${list([subjects.allReports(o), `vadapt.${o}.approve`, subjects.plan(o), "_INBOX.>", `$KV.vadapt_${o}.>`])} } } }`,
  );
  for (const ag of a.agents) {
    out.push(
      `{ user: ${q(ag.user)}, password: ${q(ag.pass)}, permissions: { ` +
        `publish: { allow: ${list([`vadapt.${o}.report.*.${ag.host}`])} }, ` +
        `subscribe: { allow: ${list([subjects.cmd(o, ag.host)])} }, allow_responses: true } }`,
    );
  }
  return out;
}

/** A complete `authorization` block for one or more overlays. */
export function natsAuthorization(overlays: readonly AuthUsers[]): string {
  return `authorization {\n  users = [\n    ${overlays.flatMap(natsUsers).join(",\n    ")}\n  ]\n}\n`;
}
