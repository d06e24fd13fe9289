/**
 * Test adapter (node:http, which Deno also provides): a real HTTP server on 127.0.0.1 that answers
 * JSON requests with a handler, for testing the `wiki`, `sandbox` and `http` clients end to end.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the handler sees it. */
export interface TestRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
}

/** What the handler answers: a status (default 200), a JSON body (or text), headers, an optional delay. */
export interface TestReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  text?: string;
  delayMs?: number;
}

/** A running server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in order. */
  requests: TestRequest[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of request) chunks.push(chunk as Uint8Array);
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) (bytes.set(chunk, at), at += chunk.length);
  const text = new TextDecoder().decode(bytes);
  try {
    return text === "" ? null : JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Starts a server answering every request with `handler`.
 *
 * @example
 * ```ts
 * const server = await startTestServer(() => ({ body: { ok: true } }));
 * await fetch(server.url); await server.close();
 * ```
 */
export async function startTestServer(handler: (request: TestRequest) => TestReply | Promise<TestReply>): Promise<TestServer> {
  const requests: TestRequest[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server = createServer(async (incoming, outgoing) => {
    const request: TestRequest = {
      method: incoming.method ?? "GET",
      path: incoming.url ?? "/",
      headers: incoming.headers,
      body: await readBody(incoming),
    };
    requests.push(request);
    const reply = await handler(request);
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (timers.delete(timer), resolve()), reply.delayMs);
        timers.add(timer);
      });
    }
    if (outgoing.destroyed) return;
    const text = reply.text ?? JSON.stringify(reply.body ?? null);
    const type = reply.text === undefined ? "application/json" : "text/plain";
    outgoing.writeHead(reply.status ?? 200, { "content-type": type, ...reply.headers });
    outgoing.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        timers.forEach(clearTimeout);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
