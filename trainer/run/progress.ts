/**
 * The one-line progress display on stderr: redrawn in place when stderr is a terminal, one line per
 * update otherwise (logs, CI, pipes).
 */

/** Where progress goes. */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

/** What a progress line shows; absent fields are left out. */
export interface ProgressState {
  phase: string;
  step: number;
  steps: number;
  reward?: number;
  kl?: number;
  loss?: number;
  accuracy?: number;
  tokensPerSecond?: number;
  elapsedSeconds: number;
}

/**
 * Formats one progress line, with a bar when `width` > 0.
 *
 * @example formatProgress({ phase: "ppo", step: 3, steps: 10, reward: 0.5, elapsedSeconds: 12 }, 10);
 * // "ppo [###.......]   3/10 reward 0.500 12s"
 */
export function formatProgress(state: ProgressState, width = 20): string {
  const fraction = state.steps > 0 ? Math.min(1, state.step / state.steps) : 1;
  const filled = Math.round(fraction * width);
  const bar = width > 0 ? ` [${"#".repeat(filled)}${".".repeat(width - filled)}]` : "";
  const digits = String(state.steps).length;
  const parts = [`${state.phase}${bar} ${String(state.step).padStart(digits)}/${state.steps}`];
  if (state.loss !== undefined) parts.push(`loss ${state.loss.toFixed(4)}`);
  if (state.reward !== undefined) parts.push(`reward ${state.reward.toFixed(3)}`);
  if (state.accuracy !== undefined) parts.push(`acc ${state.accuracy.toFixed(3)}`);
  if (state.kl !== undefined) parts.push(`kl ${state.kl.toFixed(3)}`);
  if (state.tokensPerSecond !== undefined) parts.push(`${Math.round(state.tokensPerSecond)} tok/s`);
  parts.push(`${Math.round(state.elapsedSeconds)}s`);
  return parts.join(" ");
}

/**
 * A progress display: `update` redraws the line on a terminal or prints it otherwise; `log` prints a
 * permanent line; `done` ends a redrawn line.
 *
 * @example const progress = createProgress({ write: (t) => io.stderr(t), isTTY: io.isTTY }); progress.update(state);
 */
export function createProgress(sink: ProgressSink): {
  update(state: ProgressState): void;
  log(line: string): void;
  done(): void;
} {
  let open = false;
  const end = () => {
    if (open) sink.write("\n");
    open = false;
  };
  return {
    update(state) {
      if (sink.isTTY) {
        sink.write(`\r\x1b[2K${formatProgress(state)}`);
        open = true;
      } else {
        sink.write(`${formatProgress(state, 0)}\n`);
      }
    },
    log(line) {
      end();
      sink.write(`${line}\n`);
    },
    done: end,
  };
}
