/**
 * Node-compatible adapter for the worker side (Node, and Deno's Node layer that Pyodide also uses):
 * after Pyodide has loaded, its module-local `require` may only reach what starting another interpreter
 * needs (`fs`, `path`, `url` and `tty` to read Pyodide's files and set up its streams, `crypto` for randomness). This is what keeps
 * `os.system` (child_process) and sockets (ws, net) from reaching the host.
 */
import Module from "node:module";

const ALLOWED = new Set(["crypto", "fs", "path", "tty", "url"].flatMap((name) => [name, `node:${name}`]));

/** Refuses every later `require` of a module other than those, in this worker. */
export function sealNodeRequire(): void {
  const prototype = (Module as unknown as { prototype: { require(this: unknown, id: string): unknown } }).prototype;
  const original = prototype.require;
  prototype.require = function (this: unknown, id: string): unknown {
    if (ALLOWED.has(id)) return original.call(this, id);
    throw new Error(`require("${id}") is disabled in the toolrl Python sandbox`);
  };
}
