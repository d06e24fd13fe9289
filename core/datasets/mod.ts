/**
 * Datasets in and out: ToolAlpaca, ToolBench and Hermes/ShareGPT transcripts to episodes with masks for
 * supervised training, and episodes to JSON Lines for TRL and verl.
 */
export * from "./conversation.ts";
export * from "./export.ts";
export * from "./hermes.ts";
export * from "./records.ts";
export * from "./toolalpaca.ts";
export * from "./toolbench.ts";
