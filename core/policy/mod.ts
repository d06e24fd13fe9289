/** Policies: a scripted one, a task's solver, and any OpenAI-compatible completions server. */
export * from "./scripted.ts";
export * from "./solver.ts";
export * from "./openai/mod.ts";
