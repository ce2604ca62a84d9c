import type { Command } from "commander";
import { registerAgent } from "./agent.js";
import { registerExperiment } from "./experiment.js";
import { registerGenInstance } from "./gen-instance.js";
import { registerGenTrace } from "./gen-trace.js";
import { registerImport } from "./import.js";
import { registerInfer } from "./infer.js";
import { registerInspect } from "./inspect.js";
import { registerNatsConfig } from "./nats-config.js";
import { registerPlan } from "./plan.js";
import { registerServe } from "./serve.js";
import { registerPredict } from "./predict.js";
import { registerReport } from "./report.js";
import { registerSolve } from "./solve.js";
import { registerTestbed } from "./testbed.js";

/** Every subcommand's registration function; add new commands here. */
export const commands: ReadonlyArray<(program: Command) => void> = [registerExperiment, registerGenInstance, registerGenTrace, registerImport, registerInfer, registerInspect, registerNatsConfig, registerPlan, registerServe, registerAgent, registerPredict, registerReport, registerSolve, registerTestbed];
