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
  python: async (options) => (await import("../../plugins/python/mod.ts")).python(options),
  wiki: async (options) => (await import("../../plugins/wiki/mod.ts")).wiki(options),
  sandbox: async (options) => {
    const { sandbox } = await import("../../plugins/sandbox/mod.ts");
    return sandbox(requireOptions("sandbox", options, ["url"]) as unknown as Parameters<typeof sandbox>[0]);
  },
  http: async (options) => {
    const { http } = await import("../../plugins/http/mod.ts");
    return http(requireOptions("http", options, ["url", "allowHosts"]) as unknown as Parameters<typeof http>[0]);
  },
};

/** Checks that the options a built-in cannot do without are there, naming the missing ones. */
function requireOptions(name: string, options: Record<string, unknown> | undefined, keys: string[]) {
  const missing = keys.filter((key) => options?.[key] === undefined);
  if (missing.length > 0) {
    throw new Error(`the ${name} plugin needs the option(s) ${missing.join(", ")}; pass them in its options`);
  }
  return options as Record<string, unknown>;
}
