/**
 * toolrl — teach language models to use tools with reinforcement learning.
 *
 * This module is a table of contents: the core (episodes, masks, parsers, rollout loop, policy
 * interface) and the plugin API. The trainer and the tool server have their own entry points.
 *
 * @example
 * ```ts
 * import { rollout, parsers } from "toolrl";
 * ```
 * @module
 */
export * from "./core/types.ts";
