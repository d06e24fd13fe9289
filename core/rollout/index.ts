/** The multi-turn rollout loop and its limits. */
export * from "./limits.ts";
export * from "./rollout.ts";
