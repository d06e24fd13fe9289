/**
 * An example plugin that adds a tool-call format (no tools or tasks of its own): loading it registers the
 * Mistral-style format, after which every task, the rollout loop and the verifiers accept `format: "mistral"`.
 */
import { definePlugin, registerFormat } from "../../mod.ts";
import { mistralFormat } from "./mistral.ts";

/** The plugin factory: registers the format (once; registering the same object again is a no-op). */
export default function mistralPlugin() {
  registerFormat(mistralFormat);
  return definePlugin({ name: "mistral-format", formats: [mistralFormat.name] });
}
