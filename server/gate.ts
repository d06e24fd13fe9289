/**
 * Concurrency limits of the tool server: at most `maxConcurrent` tool calls at once on the server and
 * `maxConcurrentPerTool` per tool. A call over either limit is refused at once (the server answers 429);
 * nothing queues, so a burst can never pile up behind a slow tool.
 */

/** Limits on calls in flight. */
export interface GateLimits {
  maxConcurrent: number;
  maxConcurrentPerTool: number;
}

/** Either a release function for an admitted call, or why it was refused. */
export type GateTicket = { admitted: true; release: () => void } | { admitted: false; reason: string };

/** Admits or refuses calls by name. */
export interface Gate {
  enter(toolName: string): GateTicket;
}

/**
 * A gate with the given limits.
 *
 * @example
 * ```ts
 * const ticket = createGate({ maxConcurrent: 64, maxConcurrentPerTool: 8 }).enter("python");
 * if (ticket.admitted) try { ... } finally { ticket.release(); }
 * ```
 */
export function createGate(limits: GateLimits): Gate {
  let total = 0;
  const perTool = new Map<string, number>();
  return {
    enter(toolName) {
      const current = perTool.get(toolName) ?? 0;
      if (total >= limits.maxConcurrent) {
        return { admitted: false, reason: `the server is running its limit of ${limits.maxConcurrent} calls; retry shortly` };
      }
      if (current >= limits.maxConcurrentPerTool) {
        return {
          admitted: false,
          reason: `tool "${toolName}" is running its limit of ${limits.maxConcurrentPerTool} calls; retry shortly`,
        };
      }
      total += 1;
      perTool.set(toolName, current + 1);
      let released = false;
      return {
        admitted: true,
        release() {
          if (released) return;
          released = true;
          total -= 1;
          const left = (perTool.get(toolName) ?? 1) - 1;
          if (left === 0) perTool.delete(toolName);
          else perTool.set(toolName, left);
        },
      };
    },
  };
}
