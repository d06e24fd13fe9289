/**
 * The built-in plugins by name. Each entry lazily imports `plugins/<name>/mod.ts` and calls its
 * factory, so loading one plugin never loads the others (or their heavy dependencies).
 *
 * To add a built-in: create `plugins/<name>/mod.ts` exporting a factory `(options?) => Plugin`
 * and add one line here.
 */
import type { Plugin } from "../types.ts";

/** Builds a built-in plugin from its options. */
export type PluginFactory = (options?: Record<string, unknown>) => Plugin | Promise<Plugin>;

/** Built-in plugins, by the name `loadPlugin` and `--plugin` accept. */
export const builtinPlugins: Readonly<Record<string, PluginFactory>> = {
  calculator: async (options) => (await import("../../plugins/calculator/mod.ts")).calculator(options),
};
