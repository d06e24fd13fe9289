/**
 * `createPluginLoader`: a loader of plugins by name (from a table of built-ins it is given) or by module
 * path (what `--plugin` takes); `findTask` picks a task by name out of loaded plugins. Core knows no plugin:
 * the built-in table and the ready loader, `loadPlugin`, live in plugins/builtins.ts.
 */
import type { Plugin, Task } from "../types.ts";
import { workingDirectoryUrl } from "./cwd_adapter.ts";
import { definePlugin } from "./define_plugin.ts";

/** Builds a plugin from its options (a built-in's factory). */
export type PluginFactory = (options?: Record<string, unknown>) => Plugin | Promise<Plugin>;

/** Options of a plugin loader. */
export interface LoadPluginOptions {
  /** Passed to the plugin's factory when the plugin is one (built-ins always are). */
  options?: Record<string, unknown>;
  /** Directory URL that relative paths resolve against (default: the working directory). */
  base?: string | URL;
  /**
   * How a plugin module is imported (default: the runtime's `import()`). Node's CLI passes tsx's, which loads a
   * `.ts` plugin from any folder, with or without `"type": "module"` (see cli/plugin_import_node.ts).
   */
  importModule?: (url: string) => Promise<Record<string, unknown>>;
  /** Milliseconds the module's import and its factory may take together (default 30000). */
  timeoutMs?: number;
}

/** `promise`, or a rejection saying `what` did not settle within `ms`; the timer never outlives it. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`loadPlugin: ${what} did not settle within ${ms} ms; check it for a top-level await or a factory that never resolves.`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

const PATH_LIKE = /^(\.{1,2}[\\/]|\/|[A-Za-z]:[\\/]|file:|https?:)|\.(m?[jt]s|json)$/;

/** Whether `spec` names a module path rather than a built-in plugin. */
export function isPluginPath(spec: string): boolean {
  return PATH_LIKE.test(spec);
}

function resolveSpec(spec: string, base: string | URL | undefined): string {
  if (/^(file|https?):/.test(spec)) return spec;
  const root = base ?? workingDirectoryUrl();
  if (root === undefined) {
    throw new Error(`loadPlugin: cannot resolve "${spec}" without a working directory; pass options.base or a URL.`);
  }
  const path = spec.replaceAll("\\", "/");
  return new URL(/^[A-Za-z]:\//.test(path) ? `file:///${path}` : path, root).href;
}

/**
 * Node's and esbuild's ways of saying a module was compiled or loaded as CommonJS and then met ES module code:
 * a CommonJS loader meeting an ES module in an import cycle or with top-level await, or top-level await in CJS output.
 */
const COMMON_JS_CODES = new Set(["ERR_REQUIRE_CYCLE_MODULE", "ERR_REQUIRE_ASYNC_MODULE", "ERR_REQUIRE_ESM"]);
const COMMON_JS_MESSAGES = /require\(\) ES Module .* in a cycle|Cannot require\(\) ES Module|not supported with the "cjs" output format|Cannot use import statement outside a module/;

function loadedAsCommonJs(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return COMMON_JS_CODES.has(String(code)) || COMMON_JS_MESSAGES.test(String(message));
}

function checkPlugin(value: unknown, where: string): Plugin {
  if (typeof value !== "object" || value === null) {
    throw new Error(`loadPlugin: ${where} exported ${String(value)}; export a plugin made with definePlugin(...).`);
  }
  const tools = (value as { tools?: unknown }).tools;
  if (Array.isArray(tools)) {
    const bad = tools.findIndex((tool) => typeof tool !== "object" || tool === null);
    if (bad !== -1) throw new Error(`loadPlugin: ${where} has tools[${bad}] = ${String(tools[bad])}; each tool must be made with defineTool(...).`);
  }
  let plugin: Plugin;
  try {
    plugin = definePlugin(value as Plugin);
  } catch (error) {
    throw new Error(`loadPlugin: ${where}: ${(error as Error).message}`);
  }
  for (const tool of plugin.tools) {
    if (tool.name === "__proto__") throw new Error(`loadPlugin: ${where} has a tool named "__proto__"; rename it.`);
    if (typeof tool?.name !== "string" || typeof tool.run !== "function" || !(tool.timeoutMs > 0)) {
      throw new Error(`loadPlugin: ${where} has a tool ${JSON.stringify(tool?.name)} not made with defineTool(...).`);
    }
  }
  if (plugin.tools.length + plugin.verifiers.length + plugin.tasks.length + (plugin.formats?.length ?? 0) === 0) {
    throw new Error(
      `loadPlugin: ${where} (plugin "${plugin.name}") has no tools, verifiers, tasks or formats; give it at least one (tools: [defineTool(...)]).`,
    );
  }
  for (const task of plugin.tasks) {
    const methods = ["samples", "prompt", "solve"] as const;
    if (typeof task?.name !== "string" || methods.some((m) => typeof task[m] !== "function") || !task.verifier) {
      throw new Error(
        `loadPlugin: ${where} has a task ${JSON.stringify(task?.name)} without samples, prompt, solve and verifier.`,
      );
    }
  }
  return plugin;
}

/**
 * A loader that takes a name from `builtins`, or a module path whose default export (or `plugin` export) is
 * a plugin or a factory `(options?) => Plugin`.
 *
 * @example
 * ```ts
 * const load = createPluginLoader({ greet: () => greetPlugin() });
 * const mine = await load("./examples/plugin/mod.ts");
 * ```
 */
export function createPluginLoader(
  builtins: Readonly<Record<string, PluginFactory>>,
): (spec: string, options?: LoadPluginOptions) => Promise<Plugin> {
  return (spec, options = {}) => loadWith(builtins, spec, options);
}

async function loadWith(
  builtins: Readonly<Record<string, PluginFactory>>,
  spec: string,
  options: LoadPluginOptions,
): Promise<Plugin> {
  const { timeoutMs = 30_000 } = options;
  if (!isPluginPath(spec)) {
    const factory = Object.hasOwn(builtins, spec) ? builtins[spec] : undefined;
    if (!factory) {
      const known = Object.keys(builtins).join(", ") || "none";
      throw new Error(
        `loadPlugin: no built-in plugin "${spec}" (built-ins: ${known}); to load a file give a path such as ./${spec}.ts.`,
      );
    }
    return checkPlugin(await factory(options.options), `built-in plugin "${spec}"`);
  }
  const url = resolveSpec(spec, options.base);
  if (/\.json$/i.test(new URL(url).pathname)) {
    throw new Error(`loadPlugin: "${spec}" is a JSON file, which cannot hold tools (they are code); give a .ts or .js module whose default export is definePlugin({ name, tools: [...] }).`);
  }
  let module: Record<string, unknown>;
  try {
    module = commonJsExports(
      await within(options.importModule ? options.importModule(url) : import(url), timeoutMs, `importing "${spec}"`),
    );
  } catch (error) {
    const message = (error as Error).message;
    if (loadedAsCommonJs(error)) {
      throw new Error(
        `loadPlugin: could not import "${spec}" (${url}): it was loaded as CommonJS (its package.json has no "type": "module"), ` +
          `which cannot hold an ES module plugin; make it an ES module: run "npm pkg set type=module" in its project ` +
          `(or name the files .mjs / .mts). Node said: ${message}`,
      );
    }
    throw new Error(`loadPlugin: could not import "${spec}" (${url}): ${message}`);
  }
  const exported = module.default !== undefined ? module.default : module.plugin;
  if (exported === undefined) {
    const names = Object.keys(module).join(", ") || "nothing";
    throw new Error(
      `loadPlugin: "${spec}" exports ${names}; export the plugin as default or as "plugin" (export default definePlugin({...})).`,
    );
  }
  if (exported === null) throw new Error(`loadPlugin: "${spec}" exports null; export a plugin made with definePlugin(...).`);
  let value: unknown;
  try {
    value = typeof exported === "function" ? await within(Promise.resolve(exported(options.options)), timeoutMs, `the factory of "${spec}"`) : exported;
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith("loadPlugin:") ? message : `loadPlugin: the factory of "${spec}" threw: ${message}`);
  }
  return checkPlugin(value, `"${spec}"`);
}

/** A module compiled to CommonJS (a `.ts` file outside a `"type": "module"` folder) as its own exports. */
function commonJsExports(module: Record<string, unknown>): Record<string, unknown> {
  const inner = module.default as Record<string, unknown> | undefined;
  return inner !== null && typeof inner === "object" && inner.__esModule === true ? inner : module;
}

/**
 * The task called `name` in the first plugin that has one.
 *
 * @example
 * ```ts
 * const task = findTask(plugins, "calculator"); // plugins loaded with loadPlugin
 * ```
 */
export function findTask(plugins: readonly Plugin[], name: string): Task {
  for (const plugin of plugins) {
    const task = plugin.tasks.find((candidate) => candidate.name === name);
    if (task) return task;
  }
  const known = plugins.flatMap((plugin) => plugin.tasks.map((task) => task.name));
  const close = closestName(name, known);
  const hint = close ? `did you mean "${close}"? ` : "";
  throw new Error(
    `no task "${name}" in the loaded plugins (tasks: ${known.join(", ") || "none"}); ${hint}load its plugin with --plugin.`,
  );
}

/**
 * The known name within edit distance 2 of `name` (or a third of its length), the nearest first; null if none.
 *
 * @example closestName("calculater", ["calculator", "wiki"]); // "calculator"
 */
export function closestName(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Levenshtein distance (insert, delete, substitute), two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
