/** What the forward and backward passes read: the config, the backend, the weights and the RoPE table. */
import type { Backend, Tensor } from "../backend/backend.ts";
import type { ModelConfig } from "../types.ts";
import type { LoraConfig } from "./lora.ts";
import type { Weights } from "./params.ts";

/** What the forward and backward passes need besides the workspace. */
export interface Net {
  config: ModelConfig;
  backend: Backend;
  weights: Weights;
  /** (maxSeqLen, hs) cos|sin table for RoPE; null for GPT-2. */
  ropeTable: Tensor | null;
  /** The adapters' rank and scale when the weights carry LoRA adapters. */
  lora?: LoraConfig | null;
  /** True while the adapters are switched off (the base model, PPO/GRPO's reference). */
  adaptersOff?: boolean;
}
