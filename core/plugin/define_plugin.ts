/**
 * `definePlugin`: a named bundle of tools, verifiers and tasks, checked once when it is declared.
 */
import { hasFormat } from "../formats/registry.ts";
import type { Plugin, Task, Tool, Verifier } from "../types.ts";

/** What a plugin author writes; every list defaults to empty. */
export interface PluginDefinition {
  name: string;
  tools?: Tool[];
  verifiers?: Verifier[];
  tasks?: Task[];
  /** Tool-call formats the plugin adds, by name; each must be registered (`registerFormat`) before this call. */
  formats?: string[];
}

function assertUnique(plugin: string, kind: string, names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new Error(`definePlugin: plugin "${plugin}" has two ${kind} named "${name}"; rename one.`);
    }
    seen.add(name);
  }
}

/**
 * Declares a plugin.
 *
 * @example
 * ```ts
 * export default definePlugin({ name: "units", tools: [unitConvert], tasks: [unitTask()] });
 * ```
 */
export function definePlugin(definition: PluginDefinition): Plugin {
  const { name, tools = [], verifiers = [], tasks = [], formats = [] } = definition;
  if (typeof name !== "string" || name.trim() === "") {
    throw new Error(`definePlugin: name ${JSON.stringify(name)} must be a non-empty string.`);
  }
  for (const [kind, list] of [["tools", tools], ["verifiers", verifiers], ["tasks", tasks]] as const) {
    if (!Array.isArray(list)) {
      throw new Error(`definePlugin: plugin "${name}" has ${kind} ${String(list)}; give an array.`);
    }
  }
  assertUnique(name, "tools", tools.map((tool) => tool.name));
  assertUnique(name, "verifiers", verifiers.map((verifier) => verifier.name));
  assertUnique(name, "tasks", tasks.map((task) => task.name));
  if (!Array.isArray(formats)) throw new Error(`definePlugin: plugin "${name}" has formats ${String(formats)}; give an array of names.`);
  const unregistered = formats.find((format) => !hasFormat(format));
  if (unregistered !== undefined) {
    throw new Error(`definePlugin: plugin "${name}" lists format ${JSON.stringify(unregistered)}, which is not registered; call registerFormat first.`);
  }
  return formats.length > 0 ? { name, tools, verifiers, tasks, formats } : { name, tools, verifiers, tasks };
}
