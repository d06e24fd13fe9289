/**
 * SFT: masked cross-entropy on demonstration episodes (model tokens only).
 */
export * from "./config.ts";
export * from "./sft.ts";
export * from "./demonstrations.ts";
