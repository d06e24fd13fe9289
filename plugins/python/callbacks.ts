/**
 * Callbacks that Python schedules through Pyodide (asyncio's `call_soon`/`call_later` become
 * `setImmediate`/`setTimeout` in the worker) must not outlive the run that scheduled them: run later,
 * they would execute an episode's code between other runs, where an exception or an endless loop
 * kills or blocks the worker and every episode on it. The gate wraps the worker's timer functions once;
 * a callback scheduled during a run fires only while that run lasts, and its timer is cleared when the
 * run ends. Callbacks scheduled outside runs (Pyodide loading an interpreter) are left alone.
 *
 * Browsers' Pyodide also schedules through a MessageChannel, which this gate does not cover.
 */

/** Marks where runs begin and end, for {@link gateCallbacks}. */
export interface CallbackGate {
  /** A run starts: callbacks scheduled from now on belong to it. */
  begin(): void;
  /** The run ended: its pending callbacks never fire. */
  end(): void;
}

type Timer = (callback: (...args: unknown[]) => void, ...rest: unknown[]) => unknown;

/** Wraps this realm's `setTimeout`, `setInterval`, `setImmediate` and `queueMicrotask`; call once per worker. */
export function gateCallbacks(): CallbackGate {
  const scope = globalThis as unknown as Record<string, unknown>;
  let current = 0; // the run under way, 0 between runs
  let runs = 0;
  const pending: Array<() => void> = []; // clears the timers of the run under way
  const wrap = (name: string, clearName: string | null) => {
    const original = scope[name] as Timer | undefined;
    if (typeof original !== "function") return;
    const clear = clearName ? scope[clearName] as ((handle: unknown) => void) : null;
    scope[name] = function (callback: (...args: unknown[]) => void, ...rest: unknown[]) {
      const owner = current;
      if (owner === 0 || typeof callback !== "function") return original.call(scope, callback, ...rest);
      const handle = original.call(scope, (...args: unknown[]) => {
        if (current === owner) callback(...args);
      }, ...rest);
      if (clear) pending.push(() => clear.call(scope, handle));
      return handle;
    };
  };
  wrap("setTimeout", "clearTimeout");
  wrap("setInterval", "clearInterval");
  wrap("setImmediate", "clearImmediate");
  wrap("queueMicrotask", null);
  return {
    begin() {
      current = ++runs;
    },
    end() {
      current = 0;
      for (const clear of pending.splice(0)) clear();
    },
  };
}
