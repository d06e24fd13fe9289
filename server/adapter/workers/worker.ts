/**
 * A ready-made worker module serving the calculator (the built-in tool with no host needs):
 * `wrangler deploy server/adapter/workers/worker.ts`. Copy it to serve your own plugins.
 */
import { calculator } from "../../../plugins/calculator/mod.ts";
import { toWorker } from "./mod.ts";

export default toWorker({ plugins: [calculator()] });
