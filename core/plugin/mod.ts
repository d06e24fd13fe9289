/**
 * The plugin API: declare tools, verifiers and plugins, turn tools into OpenAI schemas, run a tool
 * call safely, load plugins by name or path, and the helpers tasks are written with.
 */
export * from "./define_plugin.ts";
export * from "./define_tool.ts";
export * from "./define_verifier.ts";
export * from "./format_check.ts";
export * from "./invoke_tool.ts";
export * from "./load_plugin.ts";
export * from "../random/mulberry32.ts";
export { splitmix32 } from "../random/splitmix32.ts";
export * from "./tool_schemas.ts";
export * from "./turns.ts";
