/**
 * Deno adapter: serves a fetch app with `Deno.serve`.
 *
 * @example
 * ```ts
 * const server = await serve({ app: createToolServer({ plugins }), port: 8000 });
 * ```
 */
import { DEFAULT_HOSTNAME, DEFAULT_PORT, type ServeOptions, type ServerHandle, serverUrl } from "../types.ts";

/** Listens on `hostname:port` (Deno binds before `Deno.serve` returns; a failure to bind rejects). */
export function serve(options: ServeOptions): Promise<ServerHandle> {
  const { app, port = DEFAULT_PORT, hostname = DEFAULT_HOSTNAME } = options;
  return Promise.resolve().then(() => {
    // onListen is given so that Deno prints no "Listening on" line of its own.
    const server = Deno.serve({ port, hostname, onListen: () => {} }, (request) => app.fetch(request));
    const bound = server.addr.port;
    return {
      port: bound,
      hostname,
      url: serverUrl(hostname, bound),
      finished: server.finished,
      close: () => server.shutdown(),
    };
  });
}
