/**
 * `toolrl serve`: the hono tool server (server/) on this machine, with the runtime's adapter
 * (Deno.serve or @hono/node-server), one log line per request on stderr. Runs until killed.
 */
import type { CliIO } from "../io.ts";
import { builtinPlugins, loadPlugin } from "../../plugins/builtins.ts";
import { pluginImporter } from "../plugin_import_node.ts";
import { readFlags } from "./flags.ts";
import type { Plugin } from "../../core/types.ts";
import { createToolServer, DEFAULT_SERVER_LIMITS, type ServerLimits } from "../../server/server.ts";
import { serve } from "../../server/adapter/serve.ts";
import { runtimeUpgradeWebSocket } from "../../server/adapter/ws.ts";
import { DEFAULT_HOSTNAME, DEFAULT_PORT, type FetchApp, type ServerHandle } from "../../server/adapter/types.ts";

/** The demo page's server (demo/site_node.ts), loaded by path only for `--demo`: demo/ is its own entry, not library code. */
async function loadDemo(): Promise<{
  demoSite(options: { checkpoint?: string }): Promise<unknown>;
  withDemo(app: FetchApp, site: unknown): FetchApp;
}> {
  return await import(new URL("../../demo/site_node.ts", import.meta.url).href);
}

/** Built-in plugins served when neither --plugins nor --plugin is given (those that exist). */
const DEFAULT_PLUGINS = ["calculator", "python", "wiki"];

export const help = `toolrl serve [--port P] [--host H] [--plugins A,B] [--plugin ./path.ts]... [--token T]

Serves tools over HTTP until killed: GET /health, GET /tools, POST /tools/:name, SandboxFusion's
POST /run_code and GET /v1/ping, Search-R1's POST /retrieve, and MCP at /mcp. One line per request on stderr.
  --port P             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H             address to bind (default ${DEFAULT_HOSTNAME}; 0.0.0.0 for every interface)
  --plugins A,B        built-in plugins (default: ${DEFAULT_PLUGINS.join(",")})
  --plugin ./p.ts      a plugin module of your own (repeatable)
  --env T1,T2          also serve these tasks as OpenEnv environments (/reset, /step, /ws, /reward)
  --token T            require "Authorization: Bearer T" on every route but /health and /v1/ping
  --allowed-host H     answer for Host H too (repeatable); without a token only localhost, 127.0.0.1 and [::1]
                       are served, which stops DNS rebinding
  --cors-origin O      let pages at origin O call the server (repeatable; "*" for any); other pages get 403
  --timeout-ms N       cap on the time of one tool call (default: each tool's own limit)
  --max-concurrent N   tool calls at once on the server (default ${DEFAULT_SERVER_LIMITS.maxConcurrent})
  --max-per-tool N     tool calls at once per tool (default ${DEFAULT_SERVER_LIMITS.maxConcurrentPerTool})
  --max-body-bytes N   largest request body (default ${DEFAULT_SERVER_LIMITS.maxBodyBytes})
  --demo               also serve the browser demo at /demo/ (a calculator rollout run in the page)
  --demo-checkpoint D  serve checkpoint folder D to the demo, which then rolls out with trained weights`;

/** Parsed options of `toolrl serve`. */
interface ServeFlags {
  port: number;
  host: string;
  plugins: string[];
  token?: string;
  allowedHosts: string[];
  corsOrigins: string[];
  limits: Partial<ServerLimits>;
  demo: boolean;
  demoCheckpoint?: string;
  env?: string[];
}

const FLAGS = {
  port: "number",
  host: "string",
  plugins: "string",
  plugin: "list",
  env: "string",
  token: "string",
  "allowed-host": "list",
  "cors-origin": "list",
  "timeout-ms": "number",
  "max-concurrent": "number",
  "max-per-tool": "number",
  "max-body-bytes": "number",
  demo: "boolean",
  "demo-checkpoint": "string",
} as const;

const LIMIT_FLAGS: Record<string, keyof ServerLimits> = {
  "timeout-ms": "timeoutMs",
  "max-concurrent": "maxConcurrent",
  "max-per-tool": "maxConcurrentPerTool",
  "max-body-bytes": "maxBodyBytes",
};

const names = (value: string) => value.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** Reads argv into flags; throws a one-sentence error naming the bad flag. */
function parseFlags(argv: string[]): ServeFlags {
  const { flags: given, positional } = readFlags(argv, FLAGS);
  if (positional.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positional[0])}; see toolrl serve --help`);
  const port = given.port as number | undefined ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0) throw new Error(`--port ${port} must be a port number`);
  const limits: Partial<ServerLimits> = {};
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    const value = given[flag] as number | undefined;
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${flag} ${value} must be a positive integer`);
    limits[key] = value;
  }
  const own = (given.plugin as string[] | undefined) ?? [];
  const builtins = given.plugins === undefined ? undefined : names(String(given.plugins));
  const defaults = own.length > 0 ? [] : DEFAULT_PLUGINS.filter((name) => name in builtinPlugins);
  return {
    port,
    host: String(given.host ?? DEFAULT_HOSTNAME),
    plugins: [...(builtins ?? defaults), ...own],
    token: tokenFlag(given.token as string | undefined),
    allowedHosts: (given["allowed-host"] as string[] | undefined) ?? [],
    corsOrigins: (given["cors-origin"] as string[] | undefined) ?? [],
    limits,
    demo: given.demo === true || given["demo-checkpoint"] !== undefined,
    demoCheckpoint: given["demo-checkpoint"] as string | undefined,
    env: given.env === undefined ? undefined : names(String(given.env)),
  };
}

/** `--token T` as given; an empty T (an unset `$TOKEN` in `--token "$TOKEN"`) is refused in the flag's own terms. */
function tokenFlag(token: string | undefined): string | undefined {
  if (token !== undefined && token.trim() === "") {
    throw new Error(`--token is empty (was $TOKEN set?); give a secret, e.g. --token "$(openssl rand -hex 16)", or leave --token out to serve without one`);
  }
  return token;
}

/** Options for tests: aborting `signal` closes the server and makes `run` return. */
export interface ServeRunOptions {
  signal?: AbortSignal;
}

/** Runs `toolrl serve`; returns only when the server has closed (0), or at once on bad options (2). */
export async function run(argv: string[], io: CliIO, options: ServeRunOptions = {}): Promise<number> {
  let flags: ServeFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    io.stderr(`toolrl serve: ${(error as Error).message}\n`);
    return 2;
  }
  if (flags.plugins.length === 0) {
    io.stderr("toolrl serve: no plugins to serve; give --plugins calculator or --plugin ./my_plugin.ts\n");
    return 2;
  }
  const plugins: Plugin[] = [];
  const importModule = await pluginImporter();
  for (const spec of flags.plugins) plugins.push(await loadPlugin(spec, { importModule }));
  const tasks = plugins.flatMap((plugin) => plugin.tasks);
  const envTasks = (flags.env ?? []).map((name) => {
    const task = tasks.find((t) => t.name === name);
    if (!task) throw new Error(`--env ${name} is not a task of the served plugins (${tasks.map((t) => t.name).join(", ")})`);
    return task;
  });
  const env = envTasks.length > 0 ? { tasks: envTasks, upgradeWebSocket: await runtimeUpgradeWebSocket() } : undefined;
  const app = createToolServer({
    env,
    plugins,
    auth: flags.token === undefined ? undefined : { token: flags.token },
    limits: flags.limits,
    logger: (line) => io.stderr(line + "\n"),
    allowedHosts: flags.allowedHosts,
    corsOrigins: flags.corsOrigins,
  });
  const demo = flags.demo ? await loadDemo() : null;
  const served = demo ? demo.withDemo(app, await demo.demoSite({ checkpoint: flags.demoCheckpoint })) : app;
  const server: ServerHandle = await serve({ app: served, port: flags.port, hostname: flags.host });
  const tools = plugins.flatMap((plugin) => plugin.tools);
  io.stderr(`toolrl serve: listening on ${server.url} (tools: ${tools.map((tool) => tool.name).join(", ")})\n`);
  if (demo) io.stderr(`toolrl serve: demo at ${server.url}/demo/\n`);
  for (const tool of tools) warmInBackground(tool, io);
  options.signal?.addEventListener("abort", () => void server.close(), { once: true });
  await server.finished;
  return 0;
}

/** Starts tools that have a slow first call (the python tool's interpreter) now rather than on that call. */
function warmInBackground(tool: { name: string; warm?: () => Promise<void> }, io: CliIO): void {
  if (typeof tool.warm !== "function") return;
  const started = performance.now();
  tool.warm().then(
    () => io.stderr(`toolrl serve: ${tool.name} ready in ${((performance.now() - started) / 1000).toFixed(1)}s\n`),
    (error) => io.stderr(`toolrl serve: ${tool.name} failed to start: ${(error as Error).message}\n`),
  );
}
