/**
 * Runtime adapter: whether `episode.show()` colours by default. Off when `NO_COLOR` is set or standard output is
 * not a terminal (a pipe, a file, CI logs) under Node and Deno; off in browsers, where ANSI codes are noise.
 * Runtime globals are looked up on `globalThis`, so this module loads on every runtime.
 */
interface DenoLike {
  noColor?: boolean;
  stdout?: { isTerminal?(): boolean };
}
interface ProcessLike {
  env?: Record<string, string | undefined>;
  stdout?: { isTTY?: boolean };
}

/**
 * True when ANSI colours suit standard output.
 *
 * @example showEpisode(episode, { color: colorByDefault() });
 */
export function colorByDefault(): boolean {
  const runtime = globalThis as { Deno?: DenoLike; process?: ProcessLike };
  if (runtime.Deno) {
    if (runtime.Deno.noColor) return false;
    try {
      return runtime.Deno.stdout?.isTerminal?.() ?? false;
    } catch {
      return false;
    }
  }
  if (runtime.process?.env) {
    const noColor = runtime.process.env.NO_COLOR;
    if (noColor !== undefined && noColor !== "") return false;
    return runtime.process.stdout?.isTTY === true;
  }
  return false;
}
