/**
 * The projections LoRA can adapt: internal names and their Hugging Face module names (no imports, so the
 * parameter layout and the adapters can both use them).
 */

/** The projections of a block, by internal name. */
export type LinearName = "q" | "k" | "v" | "o" | "gate" | "up" | "down";

/** HF module name → internal projection and its block part. */
export const LORA_MODULES: Record<string, { name: LinearName; part: "attn" | "mlp"; hf: string }> = {
  q_proj: { name: "q", part: "attn", hf: "self_attn.q_proj" },
  k_proj: { name: "k", part: "attn", hf: "self_attn.k_proj" },
  v_proj: { name: "v", part: "attn", hf: "self_attn.v_proj" },
  o_proj: { name: "o", part: "attn", hf: "self_attn.o_proj" },
  gate_proj: { name: "gate", part: "mlp", hf: "mlp.gate_proj" },
  up_proj: { name: "up", part: "mlp", hf: "mlp.up_proj" },
  down_proj: { name: "down", part: "mlp", hf: "mlp.down_proj" },
};
