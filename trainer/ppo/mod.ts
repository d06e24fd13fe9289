/**
 * PPO as TRL v0.11 does it: per-token KL rewards, GAE over model tokens, whitening under the mask,
 * clipped policy and value losses, the adaptive KL controller.
 */
export * from "./config.ts";
export * from "./gae.ts";
export * from "./kl_controller.ts";
export * from "./loss.ts";
export * from "./rewards.ts";
export * from "./step.ts";
