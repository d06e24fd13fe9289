/**
 * An example plugin written only against toolrl's public API: one tool, one verifier, one task.
 * Load it with `toolrl train unit-convert --plugin ./examples/plugin/mod.ts` (see docs/plugins.md).
 */
import { definePlugin } from "../../mod.ts";
import { unitTask } from "./task.ts";
import { unitConvert } from "./unit_convert.ts";
import { closeEnough } from "./verifier.ts";

export default definePlugin({
  name: "units",
  tools: [unitConvert],
  verifiers: [closeEnough],
  tasks: [unitTask],
});
