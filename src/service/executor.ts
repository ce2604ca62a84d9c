/** Sends plan actions to agents over the bus (request/reply) and reads their acks. */
import { Buffer } from "node:buffer";
import type { Bus } from "../adapters/bus/bus.js";
import { Ack, type Command } from "../core/messages/payloads.js";
import { subjects } from "../core/messages/subjects.js";
import type { ActionSpec } from "../core/plan/actions.js";
import type { ActionExecutor, AckResult } from "../core/plan/apply.js";
import { check } from "../core/validate.js";

export interface BusExecutorOptions {
  readonly bus: Bus;
  readonly overlay: string;
  readonly planId: string;
  readonly macOf: (vm: string) => string | undefined;
  readonly now: () => number;
}

function vmsOf(spec: ActionSpec): string[] {
  switch (spec.kind) {
    case "set-rule":
    case "delete-rule":
      return [spec.src, spec.dst];
    case "migrate":
      return [spec.vm];
    default:
      return [];
  }
}

export class BusExecutor implements ActionExecutor {
  constructor(private readonly o: BusExecutorOptions) {}

  async execute(action: { id: string; host: string; spec: ActionSpec }, attempt: number, timeoutMs: number): Promise<AckResult> {
    const macs: Record<string, string> = {};
    for (const vm of vmsOf(action.spec)) {
      const mac = this.o.macOf(vm);
      if (mac !== undefined) macs[vm] = mac;
    }
    const cmd: Command = {
      v: 1,
      overlay: this.o.overlay,
      planId: this.o.planId,
      actionId: action.id,
      attempt,
      spec: action.spec,
      macs: macs as Command["macs"],
      sentMs: this.o.now(),
    };
    const reply = await this.o.bus.request(subjects.cmd(this.o.overlay, action.host), new TextEncoder().encode(JSON.stringify(cmd)), timeoutMs);
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(reply).toString("utf8"));
    } catch {
      return { ok: false, error: `agent ${action.host} sent a reply that is not JSON`, retryable: true };
    }
    const a = check(Ack, raw);
    if (!a.ok) return { ok: false, error: `agent ${action.host} sent an invalid ack: ${a.problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, retryable: true };
    if (a.value.actionId !== action.id) return { ok: false, error: `agent ${action.host} acked ${a.value.actionId}, not ${action.id}`, retryable: true };
    return a.value.ok ? { ok: true } : { ok: false, error: a.value.error ?? "failed", retryable: a.value.retryable ?? false };
  }
}
