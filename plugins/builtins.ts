/**
 * The built-in plugins by name, and `loadPlugin`, which knows them. Each entry lazily imports
 * `plugins/<name>/mod.ts` and calls its factory, so loading one plugin never loads the others (or their
 * heavy dependencies). The list lives here, not in core/, so core never names a plugin.
 *
 * To add a built-in: create `plugins/<name>/mod.ts` exporting a factory `(options?) => Plugin`
 * and add one line here.
 */
import { createPluginLoader, type LoadPluginOptions, type PluginFactory } from "../core/plugin/load_plugin.ts";
import type { Plugin } from "../core/types.ts";

/** Built-in plugins, by the name `loadPlugin` and `--plugin` accept. */
export const builtinPlugins: Readonly<Record<string, PluginFactory>> = {
  calculator: async (options) => (await import("./calculator/mod.ts")).calculator(options),
  python: async (options) => (await import("./python/mod.ts")).python(options),
  wiki: async (options) => (await import("./wiki/mod.ts")).wiki(options),
  sandbox: async (options) => {
    const { sandbox } = await import("./sandbox/mod.ts");
    return sandbox(requireOptions("sandbox", options, ["url"]) as unknown as Parameters<typeof sandbox>[0]);
  },
  http: async (options) => {
    const { http } = await import("./http/mod.ts");
    return http(requireOptions("http", options, ["url", "allowHosts"]) as unknown as Parameters<typeof http>[0]);
  },
};

/**
 * Loads a built-in plugin by name, or a module by path whose default export (or `plugin` export) is a
 * plugin or a factory `(options?) => Plugin`.
 *
 * @example
 * ```ts
 * const calc = await loadPlugin("calculator");
 * const mine = await loadPlugin("./examples/plugin/mod.ts");
 * ```
 */
export const loadPlugin: (spec: string, options?: LoadPluginOptions) => Promise<Plugin> = createPluginLoader(builtinPlugins);

/** Checks that the options a built-in cannot do without are there, naming the missing ones. */
function requireOptions(name: string, options: Record<string, unknown> | undefined, keys: string[]) {
  const missing = keys.filter((key) => options?.[key] === undefined);
  if (missing.length > 0) {
    throw new Error(`the ${name} plugin needs the option(s) ${missing.join(", ")}; pass them in its options`);
  }
  return options as Record<string, unknown>;
}
