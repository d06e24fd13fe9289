/** The multi-turn rollout loop and its limits. */
export * from "./limits.ts";
export * from "./rollout.ts";
export * from "./rollout_task.ts";
