/** Policies for tests and reference solutions: a scripted one and a task's solver. */
export * from "./scripted.ts";
export * from "./solver.ts";
