/**
 * What the training algorithms share, below them: packed batches, the savable RNG, the learning-rate
 * schedule, masked statistics, the batched forward pass and the PPO/GRPO step skeleton.
 * @module
 */
export * from "./batch.ts";
export * from "./forward.ts";
export * from "./policy_step.ts";
export * from "../../core/random/xoshiro128.ts";
export * from "./schedule.ts";
export * from "./whiten.ts";
