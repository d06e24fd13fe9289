/** Environment sessions: one live episode per WebSocket, isolated, capped, and dropped when idle. */
import type { Task } from "../../core/types.ts";
import {
  closeEpisode,
  type EnvAction,
  type EnvEpisode,
  episodeState,
  resetEpisode,
  stepEpisode,
  type StepResult,
} from "./episode.ts";
import { actionProblem } from "./schema.ts";

/** Options of {@link createSessions}. */
export interface SessionOptions {
  /** Sessions open at once (default 256); one more gets OpenEnv's `CAPACITY_REACHED` error and is closed. */
  maxSessions?: number;
  /** A session with no message for this long is closed (default 10 minutes). */
  idleMs?: number;
}

/** One client's session: its current episode, if any. */
export interface Session {
  id: string;
  episode?: EnvEpisode;
  lastUsed: number;
}

/** A reply in OpenEnv's WebSocket shape. */
export type WsReply = { type: "observation"; data: StepResult } | { type: "state"; data: Record<string, unknown> } | {
  type: "error";
  data: { message: string; code: string };
};

/** The session table of one server. */
export interface Sessions {
  open(): Session;
  close(session: Session): Promise<void>;
  handle(session: Session, message: unknown): Promise<WsReply | null>;
  size(): number;
  /** Closes sessions idle past `idleMs`; returns how many. */
  sweep(now?: number): Promise<number>;
}

/** Thrown when the cap is reached. */
export class SessionLimitError extends Error {}

/** Picks the task a reset names (`task`), or the only/first one served. */
export function pickTask(tasks: readonly Task[], name: unknown): Task {
  if (name === undefined || name === null) return tasks[0];
  const task = tasks.find((t) => t.name === name);
  if (!task) throw new Error(`task ${JSON.stringify(name)} is not served; served tasks: ${tasks.map((t) => t.name).join(", ")}`);
  return task;
}

/** A session table over `tasks`. */
export function createSessions(tasks: readonly Task[], options: SessionOptions = {}): Sessions {
  const maxSessions = options.maxSessions ?? 256;
  const idleMs = options.idleMs ?? 600_000;
  const live = new Map<string, Session>();
  // Idle sessions leave the table when a new one opens or `sweep` runs: no timer, so nothing outlives the server
  // (a timer per server would pile up in tests and is not allowed at a Worker's top level).
  const prune = (now: number): Session[] => {
    const idle = [...live.values()].filter((s) => now - s.lastUsed > idleMs);
    for (const session of idle) live.delete(session.id);
    return idle;
  };
  const release = (idle: Session[]) => Promise.all(idle.map((s) => (s.episode ? closeEpisode(s.episode) : undefined)));
  const sessions: Sessions = {
    open() {
      release(prune(Date.now())).catch(() => {});
      if (live.size >= maxSessions) {
        throw new SessionLimitError(`the server holds its limit of ${maxSessions} sessions; close one or retry later`);
      }
      const session: Session = { id: crypto.randomUUID(), lastUsed: Date.now() };
      live.set(session.id, session);
      return session;
    },
    async close(session) {
      live.delete(session.id);
      if (session.episode) await closeEpisode(session.episode);
    },
    async handle(session, message) {
      session.lastUsed = Date.now();
      const { type, data = {} } = (message ?? {}) as { type?: unknown; data?: Record<string, unknown> };
      // OpenEnv's server answers a message that does not validate (data not an object, a bad action) with VALIDATION_ERROR.
      const invalid = (text: string): WsReply => ({ type: "error", data: { message: text, code: "VALIDATION_ERROR" } });
      if (data === null || typeof data !== "object" || Array.isArray(data)) return invalid(`message data ${JSON.stringify(data)?.slice(0, 80)} must be a JSON object`);
      try {
        if (type === "reset") {
          if (session.episode) await closeEpisode(session.episode);
          const { episode, result } = resetEpisode(pickTask(tasks, data.task), data as never);
          session.episode = episode;
          return { type: "observation", data: result };
        }
        if (type === "step") {
          if (!session.episode) throw new Error("step before reset; send a reset message first");
          const action = data.action ?? data;
          const problem = actionProblem(action);
          if (problem) return invalid(problem);
          return { type: "observation", data: await stepEpisode(session.episode, action as EnvAction) };
        }
        if (type === "state") return { type: "state", data: episodeState(session.episode) };
        if (type === "close") {
          await sessions.close(session);
          return null;
        }
        const message = `message type ${JSON.stringify(type)} is not one of reset, step, state, close`;
        return { type: "error", data: { message, code: "UNKNOWN_TYPE" } };
      } catch (error) {
        // OpenEnv's WSErrorCode names: the episode's own errors are EXECUTION_ERROR.
        return { type: "error", data: { message: error instanceof Error ? error.message : String(error), code: "EXECUTION_ERROR" } };
      }
    },
    size: () => live.size,
    async sweep(now = Date.now()) {
      const idle = prune(now);
      await release(idle);
      return idle.length;
    },
  };
  return sessions;
}
