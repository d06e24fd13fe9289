// deno-lint-ignore-file no-explicit-any
/**
 * Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: commands
 * go in on fd 3, replies come out on fd 4, each a JSON message ended by a NUL byte), for the demo test.
 * No WebSocket and no npm package needed; Node only (extra stdio pipes).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { Readable, Writable } from "node:stream";

/** Debian's package installs `chromium`; other systems name it differently. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** Flags for a quiet, sandbox-free, offline headless run (as in the brief and Debian's docs). */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
  "--remote-debugging-pipe",
];

/** A page in the browser: evaluate expressions, take screenshots; messages the page logged. */
export interface Page {
  evaluate<T>(expression: string): Promise<T>;
  screenshot(): Promise<Uint8Array>;
  /** Console messages, uncaught exceptions and browser log entries (failed loads) of the page, in order. */
  readonly log: string[];
}

/** A running browser. */
export interface Browser {
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** The Chromium binary: `CHROMIUM` from the environment if it exists, else the first usual path that does. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM;
  return [...(fromEnv ? [fromEnv] : []), ...CANDIDATES].find((path) => existsSync(path)) ?? null;
}

/** Starts headless Chromium with a fresh profile, removed again on `close()`. */
export async function launchChromium(binary: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "toolrl-chromium-"));
  const child: ChildProcess = spawn(binary, [...FLAGS, `--user-data-dir=${profile}`, "about:blank"], {
    stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners: ((message: Record<string, unknown>) => void)[] = [];
  let buffer = "";
  let nextId = 1;
  output.setEncoding("utf8");
  output.on("data", (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf("\0"); end !== -1; end = buffer.indexOf("\0")) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (waiter) {
        pending.delete(message.id);
        if (message.error) waiter.reject(new Error(`${message.error.message} (${JSON.stringify(message.error)})`));
        else waiter.resolve(message.result);
      }
      for (const listen of listeners) listen(message);
    }
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", (error) => {
      stderr += `\n${binary} did not start: ${error.message}`;
      resolve();
    });
  });
  exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`chromium exited; its last output: ${stderr}`));
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> => {
    const id = nextId++;
    input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  };
  try {
    await send("Browser.getVersion");
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    async open(url) {
      const { targetId } = await send("Target.createTarget", { url: "about:blank" });
      const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
      const log: string[] = [];
      listeners.push((message) => {
        if (message.sessionId !== sessionId) return;
        const params = message.params as any;
        if (message.method === "Runtime.consoleAPICalled") {
          log.push(`${params.type}: ${params.args.map((a: any) => a.value ?? a.description).join(" ")}`);
        } else if (message.method === "Runtime.exceptionThrown") {
          log.push(`exception: ${params.exceptionDetails.exception?.description ?? params.exceptionDetails.text}`);
        } else if (message.method === "Log.entryAdded") {
          log.push(`${params.entry.level}: ${params.entry.text} ${params.entry.url ?? ""}`);
        }
      });
      await send("Runtime.enable", {}, sessionId);
      await send("Log.enable", {}, sessionId);
      await send("Page.enable", {}, sessionId);
      await send("Emulation.setDeviceMetricsOverride", { width: 1100, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
      await send("Page.navigate", { url }, sessionId);
      return {
        log,
        async evaluate(expression) {
          const reply = await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true }, sessionId);
          if (reply.exceptionDetails) throw new Error(`page threw: ${JSON.stringify(reply.exceptionDetails).slice(0, 500)}`);
          return reply.result.value;
        },
        async screenshot() {
          const { data } = await send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true }, sessionId);
          return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        },
      };
    },
    async close() {
      await send("Browser.close").catch(() => undefined);
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
