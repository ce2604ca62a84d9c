/**
 * Typed errors with stable codes, one class per kind of failure (in the manner of nats.js).
 * Expected outcomes (an infeasible instance, no improvement) are values, never these errors.
 */

/** Stable error codes; scripts and tests may match on them. */
export const ErrorCode = {
  /** A line, field or record in an input file does not parse or validate. */
  BadInput: "E_BAD_INPUT",
  /** A file could not be read or written. */
  Io: "E_IO",
  /** A configuration or command-line option is invalid. */
  BadConfig: "E_BAD_CONFIG",
  /** The trace format version is not one this build reads. */
  UnsupportedVersion: "E_UNSUPPORTED_VERSION",
  /** A binary capture is truncated or corrupt. */
  BadCapture: "E_BAD_CAPTURE",
  /** An external component (solver, broker, kernel) failed. */
  External: "E_EXTERNAL",
  /** A bug: an invariant of vadapt itself was broken. */
  Internal: "E_INTERNAL",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every error vadapt throws on purpose. */
export class VadaptError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where in an input a problem was found: file, 1-based line (or byte offset for binary files), field path. */
export interface InputLocation {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly offset?: number | undefined;
  readonly field?: string | undefined;
}

/** Formats a location as `file:line: field` (the parts that are known). */
export function formatLocation(loc: InputLocation): string {
  let where = loc.file ?? "<input>";
  if (loc.line !== undefined) where += `:${loc.line}`;
  if (loc.offset !== undefined) where += ` (byte ${loc.offset})`;
  if (loc.field !== undefined && loc.field !== "") where += `: field '${loc.field}'`;
  return where;
}

/** Malformed input: a trace line, an instance, a message, a data file record. */
export class InputError extends VadaptError {
  readonly location: InputLocation;
  readonly reason: string;
  constructor(location: InputLocation, reason: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super(options?.code ?? ErrorCode.BadInput, `${formatLocation(location)}: ${reason}`, options);
    this.location = location;
    this.reason = reason;
  }
}

/** A configuration or option value that is not acceptable; lists every problem found. */
export class ConfigError extends VadaptError {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[], options?: { cause?: unknown }) {
    super(ErrorCode.BadConfig, `${source}: ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`, options);
    this.problems = problems;
  }
}

/** A file could not be opened, read or written. */
export class IoError extends VadaptError {
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.Io, `${path}: ${message}`, options);
    this.path = path;
  }
}

/** An external component (LP solver, broker, kernel tool) failed. */
export class ExternalError extends VadaptError {
  readonly component: string;
  constructor(component: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCode.External, `${component}: ${message}`, options);
    this.component = component;
  }
}
