/**
 * Test adapter (`node:http`, which Node and Deno both provide): a real HTTP server on 127.0.0.1 that
 * hands each POST body to a handler and answers what the handler returns, or never answers ("hang").
 * It records every request body and the most requests it saw in flight at once.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the handler answers: a status and JSON body, or "hang" to leave the request open. */
export type TestReply = { status: number; body: unknown; headers?: Record<string, string> } | "hang";

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests in arrival order: path, parsed JSON body and headers. */
  requests: { path: string; body: Record<string, unknown>; headers: Record<string, unknown> }[];
  /** Most requests answered concurrently. */
  maxInFlight: number;
  /** Requests whose client went away before the answer. */
  abandoned: number;
  close(): Promise<void>;
}

/**
 * Starts a server that answers with `handler(body, n)` (n counts requests from 0).
 *
 * @example
 * ```ts
 * const server = await startTestServer(async (body) => ({ status: 200, body: { choices: [{ text: "hi" }] } }));
 * ```
 */
export async function startTestServer(
  handler: (body: Record<string, unknown>, n: number) => Promise<TestReply> | TestReply,
): Promise<TestServer> {
  const open = new Set<ServerResponse>();
  let inFlight = 0;
  let closing = false;
  const state: TestServer = {
    url: "",
    requests: [],
    maxInFlight: 0,
    abandoned: 0,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const response of open) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections?.(); // keep-alive sockets of aborted clients would hold close() open
      }),
  };
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of request) chunks.push(chunk as Uint8Array);
    const text = new TextDecoder().decode(concat(chunks));
    const body = text ? JSON.parse(text) : {};
    const n = state.requests.length;
    state.requests.push({ path: request.url ?? "", body, headers: { ...request.headers } });
    open.add(response);
    response.on("close", () => {
      if (!response.writableEnded && !closing) state.abandoned += 1;
    });
    inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const reply = await handler(body, n);
    if (reply === "hang") return; // close() destroys it
    inFlight -= 1;
    open.delete(response);
    response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    response.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
