/**
 * The import graph of the sources, for the layering checks of import_graph_test.ts: every relative import
 * (static, `export ... from`, and dynamic `import("...")` with a literal path) of every `.ts` file, and the
 * layer each file belongs to. Layers, lowest first: core → plugins → trainer, inference and server → cli; files outside
 * them (entry files at the root, bench/, demo/, examples/, test/, scripts/) are not part of the layered library.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** A library layer and its rank (a file may import only from its own rank or below). */
export interface Layer {
  name: "core" | "plugins" | "server" | "trainer" | "inference" | "cli";
  rank: number;
}

const SKIP = new Set(["node_modules", ".git", "dist", "runs", ".tmp"]);

/** Every `.ts` file under `root`, as paths relative to it with `/` separators. */
export function sourceFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(root, path, out);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(relative(root, path).replaceAll("\\", "/"));
  }
  return out.sort();
}

const STATIC = /^\s*(?:import|export)\b[^;'"`]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The relative imports of one file, resolved to paths relative to `root`; `dynamic` marks `import("...")`. */
export function importsOf(root: string, file: string): { target: string; dynamic: boolean }[] {
  return importsIn(readFileSync(join(root, file), "utf8"), file, root);
}

/** The relative imports written in `text` (the source of `file`), resolved to paths relative to `root`. */
export function importsIn(text: string, file: string, root = "/"): { target: string; dynamic: boolean }[] {
  const found: { target: string; dynamic: boolean }[] = [];
  const add = (spec: string, dynamic: boolean) => {
    if (!spec.startsWith(".")) return;
    const target = relative(root, resolve(root, dirname(file), spec)).replaceAll("\\", "/");
    found.push({ target, dynamic });
  };
  for (const match of text.matchAll(STATIC)) add(match[1] ?? match[2], false);
  for (const match of text.matchAll(DYNAMIC)) add(match[1], true);
  return found;
}

/** The layer of a file, or null for files outside the layered library. */
export function layerOf(file: string): Layer | null {
  if (file.startsWith("core/")) return { name: "core", rank: 0 };
  if (file.startsWith("server/")) return { name: "server", rank: 2 };
  if (file.startsWith("plugins/")) return { name: "plugins", rank: 1 };
  if (file.startsWith("cli/")) return { name: "cli", rank: 3 };
  if (file.startsWith("trainer/")) return { name: "trainer", rank: 2 };
  if (file.startsWith("inference/")) return { name: "inference", rank: 2 };
  return null;
}

/** Whether a file is a test or a test helper (tests may reach across layers; the library may not). */
export function isTestFile(file: string): boolean {
  return /_test\.ts$|(^|\/)(fixtures|testing)\//.test(file);
}

/** The import graph: file → the files it imports (existing `.ts` files only). */
export function importGraph(root: string): Map<string, string[]> {
  const files = sourceFiles(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    graph.set(file, [...new Set(importsOf(root, file).map((i) => i.target).filter((t) => known.has(t)))]);
  }
  return graph;
}

/** Every import circle, each as the list of files around it (one per strongly connected component). */
export function importCircles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  // Tarjan's algorithm, iterative so deep chains cannot overflow the stack.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, next] = frame;
      if (next === 0) {
        index.set(node, counter);
        low.set(node, counter++);
        stack.push(node);
        onStack.add(node);
      }
      const edges = graph.get(node) ?? [];
      if (next < edges.length) {
        frame[1] += 1;
        const target = edges[next];
        if (!index.has(target)) work.push([target, 0]);
        else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(node)!));
      }
      if (low.get(node) === index.get(node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || edges.includes(node)) circles.push(component.sort());
      }
    }
  }
  return circles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Imports of library files that go to a higher layer or out of the library (`from -> to`). */
export function layerViolations(graph: Map<string, string[]>): string[] {
  const violations: string[] = [];
  for (const [file, targets] of graph) {
    const own = layerOf(file);
    if (own === null || isTestFile(file)) continue;
    for (const target of targets) {
      const theirs = layerOf(target);
      if (theirs === null || theirs.rank > own.rank) violations.push(`${file} -> ${target}`);
    }
  }
  return violations.sort();
}
