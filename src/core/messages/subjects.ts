/**
 * The NATS subject scheme, one namespace per overlay (tenant):
 *
 * | subject | direction | payload |
 * |---|---|---|
 * | `vadapt.<overlay>.report.traffic.<host>` | agent → optimizer | {@link TrafficReport} |
 * | `vadapt.<overlay>.report.load.<host>` | agent → optimizer | {@link LoadReport} |
 * | `vadapt.<overlay>.report.link.<host>` | agent → optimizer | {@link LinkReport} |
 * | `vadapt.<overlay>.cmd.<host>` | optimizer → agent, request/reply | {@link Command} → {@link Ack} |
 * | `vadapt.<overlay>.plan` | optimizer → anyone | a plan and its outcome |
 *
 * Per-agent permissions follow the scheme: an agent may publish only `vadapt.<overlay>.report.*.<its host>` and
 * subscribe only to `vadapt.<overlay>.cmd.<its host>`.
 */
import { ConfigError } from "../errors.js";

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks that a name can be one subject token (no dots, wildcards or spaces). */
export function checkToken(kind: string, name: string): string {
  if (!TOKEN.test(name)) throw new ConfigError(kind, [`'${name}' must be 1-64 characters of A-Z a-z 0-9 _ - (it is a NATS subject token)`]);
  return name;
}

export const ReportKind = { Traffic: "traffic", Load: "load", Link: "link" } as const;
export type ReportKind = (typeof ReportKind)[keyof typeof ReportKind];

export const subjects = {
  report: (overlay: string, kind: ReportKind, host: string): string => `vadapt.${overlay}.report.${kind}.${host}`,
  /** Every report of an overlay (for the optimizer's subscription and the JetStream stream). */
  allReports: (overlay: string): string => `vadapt.${overlay}.report.>`,
  cmd: (overlay: string, host: string): string => `vadapt.${overlay}.cmd.${host}`,
  plan: (overlay: string): string => `vadapt.${overlay}.plan`,
} as const;

/** Splits a report subject into its parts, or null if it is not one. */
export function parseReportSubject(subject: string): { overlay: string; kind: ReportKind; host: string } | null {
  const p = subject.split(".");
  if (p.length !== 5 || p[0] !== "vadapt" || p[2] !== "report") return null;
  const kind = p[3];
  if (kind !== "traffic" && kind !== "load" && kind !== "link") return null;
  return { overlay: p[1]!, kind, host: p[4]! };
}
