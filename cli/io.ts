/**
 * Runtime adapter of the CLI: standard streams, arguments and exit, through `node:process`,
 * which both Node and Deno provide. The rest of the CLI takes a `CliIO` and never touches globals.
 */
import process from "node:process";

/** What a command may do with the outside world: write to stdout/stderr and read stdin. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input as text; with `fatal`, bytes that are not UTF-8 reject with a TypeError. */
  readStdin(options?: { fatal?: boolean }): Promise<string>;
  /** Whether stderr is a terminal (progress bars redraw only there). */
  isTTY: boolean;
  /** Calls `handler` on Ctrl-C (SIGINT) instead of exiting; returns a function that restores the default. */
  onInterrupt?(handler: () => void): () => void;
  /** The npm script running this command ("start" under `npm start`), so hints can say to pass flags after `--`. */
  npmScript?: string;
}

/** The process's own standard streams. */
export function cliIO(): CliIO {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async (options = {}) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
      const decoder = new TextDecoder("utf-8", { fatal: options.fatal ?? false });
      return chunks.map((c) => decoder.decode(c, { stream: true })).join("") + decoder.decode();
    },
    isTTY: Boolean(process.stderr.isTTY),
    npmScript: process.env.npm_lifecycle_event || undefined,
    onInterrupt: (handler) => {
      process.on("SIGINT", handler);
      return () => void process.off("SIGINT", handler);
    },
  };
}

/** A `CliIO` that records output, for tests; `interrupt()` plays a Ctrl-C. */
export function memoryIO(stdin: string | Uint8Array = ""): CliIO & { out: string; err: string; interrupt(): void } {
  const handlers = new Set<() => void>();
  const io = {
    out: "",
    err: "",
    interrupt: () => handlers.forEach((handler) => handler()),
    onInterrupt(handler: () => void) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    readStdin: (options: { fatal?: boolean } = {}) =>
      Promise.resolve().then(() =>
        typeof stdin === "string" ? stdin : new TextDecoder("utf-8", { fatal: options.fatal ?? false }).decode(stdin)
      ),
    isTTY: false,
  };
  return io;
}

/** The command-line arguments after the runtime and script names. */
export function processArgs(): string[] {
  return process.argv.slice(2);
}

/** Ends the process with `code`. */
export function exitProcess(code: number): never {
  process.exit(code);
}
