/**
 * OpenEnv's routes on the tool server: one-shot HTTP `/reset`, `/step`, `/state`, `/schema`, `/metadata`,
 * `/openapi.json` and `/reward`, and multi-turn sessions at `/ws` when the runtime gives a WebSocket upgrade.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { Task } from "../../core/types.ts";
import { episodeState, resetEpisode, stepEpisode } from "./episode.ts";
import { createSessions, pickTask, type Session, SessionLimitError, type SessionOptions, type Sessions } from "./sessions.ts";
import { ACTION_SCHEMA, actionProblem, OBSERVATION_SCHEMA, STATE_SCHEMA } from "./schema.ts";
import { scoreRequest } from "./reward.ts";
import { type DetailEntry, readOpenEnvBody, resetProblems, stepProblems } from "./openenv_request.ts";
import { type EnvMetadata, envMetadata, envOpenApi } from "./metadata.ts";
import { pythonJsonError, pythonJsonErrorText } from "./python_json.ts";

/** Options of {@link mountEnv}. */
export interface EnvServerOptions extends SessionOptions {
  /** The tasks served as environments; a reset picks one with `task` (default the first). */
  tasks: readonly Task[];
  /** The runtime's WebSocket upgrade (`runtimeUpgradeWebSocket()` of the adapter); without it `/ws` answers 501. */
  upgradeWebSocket?: UpgradeWebSocket;
  /** Fields of `GET /metadata` to set or override (OpenEnv's `author`, `documentation_url`, `version`, ...). */
  metadata?: Partial<EnvMetadata>;
}

const fail = (c: Context, status: 400 | 401 | 422 | 501, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

/**
 * OpenEnv's 422 for a body that breaks `ResetRequest`/`StepRequest` or an action that does not validate:
 * FastAPI's `detail` entries, with toolrl's `error` beside them.
 */
const unprocessable = (c: Context, code: string, detail: DetailEntry[]) => {
  const message = detail.map((d) => `${d.loc.join(".")} ${JSON.stringify(d.input)?.slice(0, 80)}: ${d.msg}`).join("; ");
  return c.json({ detail, error: { code, message } }, 422);
};

async function body(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  const value = JSON.parse(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`the body ${text.slice(0, 80)} must be a JSON object`);
  return value;
}

/**
 * The token a `/ws` request carries: `?token=`, `Authorization: Bearer`, or the password of HTTP Basic, which
 * OpenEnv's Python client (the `websockets` library) sends for a base URL like `http://user:<token>@host:8000`:
 * its `base_url` gets `/ws` appended, so a query string there cannot carry the token.
 */
function socketToken(c: Context): string | undefined {
  const query = c.req.query("token");
  if (query !== undefined) return query;
  const header = c.req.header("authorization") ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) return undefined;
  try {
    const pair = atob(basic[1]);
    return pair.slice(pair.indexOf(":") + 1);
  } catch {
    return undefined;
  }
}

/** Adds the environment routes; `/ws` checks `token` itself (header or `?token=`), so mount it before bearer auth. */
export function mountEnvSocket(app: Hono, options: EnvServerOptions, token?: string): Sessions {
  const sessions = createSessions(options.tasks, options);
  const upgrade = options.upgradeWebSocket;
  const authorize: MiddlewareHandler = async (c, next) => {
    if (token !== undefined && socketToken(c) !== token) {
      return fail(c, 401, "unauthorized", "send the token as ?token=<token>, Authorization: Bearer <token>, or as the password of the URL (ws://user:<token>@host)");
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
            const text = String(event.data);
            // OpenEnv's server answers text that Python's json.loads refuses with "Invalid JSON: <its error>".
            const invalid = pythonJsonError(text);
            let message: unknown;
            try {
              if (invalid) throw new Error(pythonJsonErrorText(text, invalid));
              message = JSON.parse(text);
            } catch (error) {
              const data = { message: `Invalid JSON: ${(error as Error).message}`, code: "INVALID_JSON" };
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
    return answer(c, () => run(data));
  };
  const answer = async (c: Context, run: () => Promise<unknown>) => {
    try {
      return c.json(await run() as Record<string, unknown>);
    } catch (error) {
      return fail(c, 400, "invalid_body", (error as Error).message);
    }
  };
  // /reset and /step read their bodies as OpenEnv's FastAPI server does (readOpenEnvBody: 422 json_invalid, ...).
  app.post("/reset", async (c) => {
    const read = await readOpenEnvBody(c);
    if ("response" in read) return read.response;
    const problems = resetProblems(read.data);
    if (problems.length > 0) return unprocessable(c, "invalid_body", problems);
    const data = (read.data ?? {}) as Record<string, unknown>;
    const seed = data.seed === undefined || data.seed === null ? undefined : Number(data.seed);
    return answer(c, async () => resetEpisode(pickTask(tasks, data.task), { ...data, seed }).result);
  });
  app.post("/step", async (c) => {
    const read = await readOpenEnvBody(c);
    if ("response" in read) return read.response;
    const problems = stepProblems(read.data);
    if (problems.length > 0) return unprocessable(c, problems.some((p) => p.loc[1] === "action") ? "invalid_action" : "invalid_body", problems);
    const data = read.data as Record<string, unknown>;
    // As OpenEnv's /step: an action that does not validate is a 422, before any environment is made.
    const problem = actionProblem(data.action);
    if (problem) return unprocessable(c, "invalid_action", [{ type: "value_error", loc: ["action"], msg: problem, input: data.action }]);
    // One-shot, as OpenEnv's HTTP step: a fresh environment per request, reset with the body's seed.
    return answer(c, async () => {
      const { episode } = resetEpisode(pickTask(tasks, data.task), data);
      return await stepEpisode(episode, data.action as never);
    });
  });
  const metadata = envMetadata(tasks, options.metadata);
  app.get("/state", (c) => c.json(episodeState(undefined)));
  app.get("/schema", (c) => c.json({ action: ACTION_SCHEMA, observation: OBSERVATION_SCHEMA, state: STATE_SCHEMA }));
  app.get("/metadata", (c) => c.json(metadata));
  app.get("/openapi.json", (c) => c.json(envOpenApi(metadata)));
  app.post("/reward", (c) => guard(c, (data) => scoreRequest(tasks, data)));
}
