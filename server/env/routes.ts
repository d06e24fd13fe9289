/**
 * OpenEnv's routes on the tool server: one-shot HTTP `/reset`, `/step`, `/state`, `/schema`, `/metadata`
 * and `/reward`, and multi-turn sessions at `/ws` when the runtime gives a WebSocket upgrade.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { Task } from "../../core/types.ts";
import { episodeState, resetEpisode, stepEpisode } from "./episode.ts";
import { createSessions, pickTask, type Session, SessionLimitError, type SessionOptions, type Sessions } from "./sessions.ts";
import { ACTION_SCHEMA, actionProblem, OBSERVATION_SCHEMA, STATE_SCHEMA, stepOptionsProblem } from "./schema.ts";
import { scoreRequest } from "./reward.ts";

/** Options of {@link mountEnv}. */
export interface EnvServerOptions extends SessionOptions {
  /** The tasks served as environments; a reset picks one with `task` (default the first). */
  tasks: readonly Task[];
  /** The runtime's WebSocket upgrade (`runtimeUpgradeWebSocket()` of the adapter); without it `/ws` answers 501. */
  upgradeWebSocket?: UpgradeWebSocket;
}

const fail = (c: Context, status: 400 | 401 | 422 | 501, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

/** A `/step` body that breaks OpenEnv's StepRequest (its action, timeout_s, request_id): answered 422, as OpenEnv's server does. */
class UnprocessableError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

async function body(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  const value = JSON.parse(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`the body ${text.slice(0, 80)} must be a JSON object`);
  return value;
}

/** Adds the environment routes; `/ws` checks `token` itself (header or `?token=`), so mount it before bearer auth. */
export function mountEnvSocket(app: Hono, options: EnvServerOptions, token?: string): Sessions {
  const sessions = createSessions(options.tasks, options);
  const upgrade = options.upgradeWebSocket;
  const authorize: MiddlewareHandler = async (c, next) => {
    if (token !== undefined) {
      const given = c.req.query("token") ?? c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
      if (given !== token) return fail(c, 401, "unauthorized", "send the token as ?token=<token> or Authorization: Bearer <token>");
    }
    if (!upgrade) return fail(c, 501, "no_websocket", "this server was created without a WebSocket upgrade; pass env.upgradeWebSocket (runtimeUpgradeWebSocket() from the adapter)");
    await sessions.sweep();
    await next();
  };
  if (!upgrade) {
    app.get("/ws", authorize);
    return sessions;
  }
  app.get(
    "/ws",
    authorize,
    upgrade(() => {
      // As OpenEnv: past the cap the socket opens, gets one CAPACITY_REACHED error and is closed.
      let session: Session | undefined;
      let refusal: string | undefined;
      try {
        session = sessions.open();
      } catch (error) {
        if (!(error instanceof SessionLimitError)) throw error;
        refusal = error.message;
      }
      let queue = Promise.resolve();
      return {
        onOpen(_event, ws) {
          if (refusal === undefined) return;
          const data = { message: refusal, code: "CAPACITY_REACHED", active_sessions: sessions.size(), max_sessions: options.maxSessions ?? 256 };
          ws.send(JSON.stringify({ type: "error", data }));
          ws.close(1000, "capacity reached");
        },
        onMessage(event, ws) {
          if (!session) return;
          const live = session;
          queue = queue.then(async () => {
            let message: unknown;
            try {
              message = JSON.parse(String(event.data));
            } catch {
              const data = { message: `message ${String(event.data).slice(0, 80)} is not JSON`, code: "INVALID_JSON" };
              ws.send(JSON.stringify({ type: "error", data }));
              return;
            }
            const reply = await sessions.handle(live, message);
            if (reply) ws.send(JSON.stringify(reply));
            else ws.close(1000, "closed");
          });
        },
        onClose() {
          if (session) sessions.close(session);
        },
      };
    }),
  );
  return sessions;
}

/** Adds the stateless routes (behind the server's auth). */
export function mountEnvRoutes(app: Hono, options: EnvServerOptions): void {
  const { tasks } = options;
  const guard = async (c: Context, run: (data: Record<string, unknown>) => Promise<unknown>) => {
    let data: Record<string, unknown>;
    try {
      data = await body(c);
    } catch (error) {
      return fail(c, 400, "bad_json", (error as Error).message);
    }
    try {
      return c.json(await run(data) as Record<string, unknown>);
    } catch (error) {
      if (error instanceof UnprocessableError) return fail(c, 422, error.code, error.message);
      return fail(c, 400, "invalid_body", (error as Error).message);
    }
  };
  app.post("/reset", (c) => guard(c, async (data) => resetEpisode(pickTask(tasks, data.task), data).result));
  app.post("/step", (c) =>
    guard(c, async (data) => {
      // As OpenEnv's /step: an action that does not validate is a 422, before any environment is made.
      const problem = actionProblem(data.action);
      if (problem) throw new UnprocessableError("invalid_action", problem);
      const optionsProblem = stepOptionsProblem(data);
      if (optionsProblem) throw new UnprocessableError("invalid_body", optionsProblem);
      // One-shot, as OpenEnv's HTTP step: a fresh environment per request, reset with the body's seed.
      const { episode } = resetEpisode(pickTask(tasks, data.task), data);
      return await stepEpisode(episode, data.action as never);
    }));
  app.get("/state", (c) => c.json(episodeState(undefined)));
  app.get("/schema", (c) => c.json({ action: ACTION_SCHEMA, observation: OBSERVATION_SCHEMA, state: STATE_SCHEMA }));
  app.get("/metadata", (c) =>
    c.json({
      name: "toolrl",
      description: `toolrl tasks as environments: ${tasks.map((t) => t.name).join(", ")}`,
      tasks: tasks.map((t) => ({ name: t.name, description: t.description, tools: t.tools.map((tool) => tool.name) })),
    }));
  app.post("/reward", (c) => guard(c, (data) => scoreRequest(tasks, data)));
}
