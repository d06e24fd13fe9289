/** What every runtime adapter's `serve()` takes and gives back. */

/** Anything with a web-standard `fetch` handler: a hono app, or a plain `{ fetch }`. */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

/** Options of `serve()`: `port: 0` picks a free port (tests). */
export interface ServeOptions {
  app: FetchApp;
  /** Default 8000. */
  port?: number;
  /** Default 127.0.0.1; use 0.0.0.0 to listen on every interface. */
  hostname?: string;
}

/** A listening server. */
export interface ServerHandle {
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  hostname: string;
  /** `http://hostname:port`. */
  url: string;
  /** Stops listening and drops open connections; resolves when the server is down. */
  close(): Promise<void>;
  /** Resolves when the server has stopped, for whatever reason. */
  finished: Promise<void>;
}

/** Default port of the tool server. */
export const DEFAULT_PORT = 8000;

/** Default address: loopback only, so nothing is exposed by accident. */
export const DEFAULT_HOSTNAME = "127.0.0.1";

/** The URL of a listening server (IPv6 addresses in brackets). */
export function serverUrl(hostname: string, port: number): string {
  return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}
