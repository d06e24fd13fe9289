/**
 * Runtime adapter: how the CLI imports `--plugin` modules. Under Node it is tsx's `tsImport`, which compiles a
 * `.ts` plugin wherever it lives (a folder without `"type": "module"` included) and reports the real cause of a
 * failure (a syntax error, a missing import); under Deno the runtime's own `import()` already does both.
 */
import { runtime } from "../core/runtime/mod.ts";

const imported = new Map<string, Promise<Record<string, unknown>>>();

/** The importer to hand `loadPlugin`, or undefined where the runtime's `import()` is enough (Deno, Bun). */
export async function pluginImporter(): Promise<((url: string) => Promise<Record<string, unknown>>) | undefined> {
  if (runtime !== "node") return undefined;
  const { tsImport } = await import("tsx/esm/api");
  // tsImport loads a fresh copy of a module on every call; a plugin module runs once per process, as import() does
  return (url) => {
    let module = imported.get(url);
    if (module === undefined) {
      module = tsImport(url, import.meta.url) as Promise<Record<string, unknown>>;
      imported.set(url, module);
      module.catch(() => imported.delete(url));
    }
    return module;
  };
}
