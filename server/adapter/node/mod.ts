/**
 * Node adapter: serves a fetch app with `@hono/node-server`.
 *
 * @example
 * ```ts
 * const server = await serve({ app: createToolServer({ plugins }), port: 8000 });
 * ```
 */
import type { Server } from "node:http";
import { serve as serveNode } from "@hono/node-server";
import { WebSocketServer } from "ws";
import { DEFAULT_HOSTNAME, DEFAULT_PORT, type ServeOptions, type ServerHandle, serverUrl } from "../types.ts";

/** Listens on `hostname:port` and resolves once the socket is bound; WebSocket upgrades go to a `ws` server. */
export function serve(options: ServeOptions): Promise<ServerHandle> {
  const { app, port = DEFAULT_PORT, hostname = DEFAULT_HOSTNAME } = options;
  return new Promise((resolve, reject) => {
    const sockets = new WebSocketServer({ noServer: true });
    const server = serveNode({ fetch: app.fetch, port, hostname, websocket: { server: sockets } }, (info) => {
      server.off("error", reject);
      const finished = new Promise<void>((done) => server.once("close", () => done()));
      resolve({
        port: info.port,
        hostname,
        url: serverUrl(hostname, info.port),
        finished,
        close() {
          server.close();
          server.closeAllConnections();
          for (const socket of sockets.clients) socket.terminate();
          return finished;
        },
      });
    }) as Server;
    server.once("error", reject);
  });
}
