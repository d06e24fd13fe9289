/**
 * One Pyodide interpreter: its own WebAssembly instance, heap, file system and modules, started from the
 * worker's memory snapshot. An interpreter serves one episode (or one stateless run) and is thrown away
 * afterwards, so nothing an episode leaves behind (variables, files, patched modules, attributes on `sys`)
 * can reach another: there is no shared Python heap to search with `gc.get_objects()`. (With the runner's
 * `shareInterpreter` one interpreter serves every episode, a namespace each, and none of this holds.)
 */
import { loadPyodide, type PyodideAPI } from "pyodide";
import { PRELUDE } from "./prelude.ts";
import type { InitMessage, ResultMessage } from "./protocol.ts";

/** What one run returns to the worker. */
export type RunResult = Omit<ResultMessage, "type" | "id" | "fatal"> & {
  /** This interpreter is broken: throw it away (the episode's next call gets a fresh one). */
  discard: boolean;
};

/** A started interpreter. */
export interface Interpreter {
  /** The interpreter's WebAssembly heap. */
  memory: WebAssembly.Memory;
  /** Runs code in the namespace of episode `key` ("" a fresh one, dropped after the run). */
  run(code: string, key: string, lastExpression: boolean): RunResult;
  /** Forgets the namespace of episode `key`. */
  drop(key: string): void;
}

/** Collects what Python writes to one stream, up to `maxChars`. */
function capture(maxChars: number) {
  const decoder = new TextDecoder();
  let text = "";
  let dropped = false;
  return {
    write(bytes: Uint8Array): number {
      if (text.length < maxChars) text += decoder.decode(bytes, { stream: true });
      else dropped = true;
      return bytes.length;
    },
    take(): string {
      let out = text + decoder.decode();
      if (out.length > maxChars || dropped) out = out.slice(0, maxChars) + "\n...(output cut)";
      text = "";
      dropped = false;
      return out;
    },
  };
}

/** Loads Pyodide from `snapshot`, or cold (ready to make a snapshot) when it is null. */
export async function loadInterpreter(init: InitMessage, snapshot: Uint8Array | null): Promise<PyodideAPI> {
  const options = { indexURL: init.indexURL, jsglobals: Object.create(null) };
  return snapshot
    ? await loadPyodide({ ...options, _loadSnapshot: snapshot })
    : await loadPyodide({ ...options, _makeSnapshot: true });
}

/** Closes the doors of one loaded interpreter (see `prelude.ts`) and wraps it for runs. */
export function guardInterpreter(pyodide: PyodideAPI, init: InitMessage): Interpreter {
  pyodide.unregisterJsModule("js");
  pyodide.unregisterJsModule("pyodide_js");
  const fs = pyodide.FS as { filesystems: Record<string, unknown>; mount: (...args: unknown[]) => unknown };
  const memfs = fs.filesystems.MEMFS;
  const mount = fs.mount.bind(fs);
  fs.mount = (type: unknown, ...rest: unknown[]) => {
    if (type !== memfs) throw new Error("only in-memory file systems may be mounted in the toolrl Python sandbox");
    return mount(type, ...rest);
  };
  const stdout = capture(init.maxOutputChars);
  const stderr = capture(init.maxOutputChars);
  pyodide.setStdout({ write: (bytes: Uint8Array) => stdout.write(bytes) });
  pyodide.setStderr({ write: (bytes: Uint8Array) => stderr.write(bytes) });
  const scope = pyodide.toPy({});
  pyodide.runPython(PRELUDE, { globals: scope });
  const runPy = scope.get("run");
  const dropPy = scope.get("drop");
  // after the prelude, so an interrupt cannot break a spare being made; the flag is slot 0 of the interrupt
  // block, set only while a run executes (protocol.ts)
  if (init.interrupt) pyodide.setInterruptBuffer(new Int32Array(init.interrupt, 0, 1));
  return {
    memory: (pyodide as unknown as { _module: { memory: WebAssembly.Memory } })._module.memory,
    run(code, key, lastExpression) {
      let parsed: Pick<RunResult, "value" | "error" | "timedOut" | "exitCode"> = { value: null, error: null, timedOut: false, exitCode: null };
      let discard = false;
      try {
        parsed = JSON.parse(runPy(code, key, lastExpression, init.maxOutputChars));
      } catch (error) {
        // An interrupt that lands after the code finished, or a broken interpreter (a fatal error, a
        // replaced wrapper): either way only this interpreter is affected, and a broken one is dropped.
        const text = String((error as Error)?.message ?? error);
        if (text.includes("KeyboardInterrupt")) parsed.timedOut = true;
        else {
          parsed.error = `the interpreter failed: ${text.trim().split("\n").pop()}`;
          discard = true;
        }
      }
      return { stdout: stdout.take(), stderr: stderr.take(), ...parsed, discard };
    },
    drop: (key) => void dropPy(key),
  };
}
