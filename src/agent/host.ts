/**
 * What an agent needs from its host: a source of observations (`TrafficSource`, src/adapters/overlay.ts) and an
 * actuator for plan actions. The Linux overlay driver and the simulated host both implement these.
 */
import type { ActionSpec } from "../core/plan/actions.js";

export interface HostActuator {
  /** Executes one plan action; throws (any error) when it fails. `macs` maps the VMs it names to their MACs. */
  execute(spec: ActionSpec, macs: Readonly<Record<string, string>>): Promise<void>;
}
