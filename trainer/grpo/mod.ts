/**
 * GRPO: group-normalised advantages, the clipped objective with a k3 KL to the reference, no value head.
 */
export * from "./advantages.ts";
export * from "./config.ts";
export * from "./loss.ts";
export * from "./step.ts";
