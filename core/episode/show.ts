/**
 * Terminal rendering of an episode, after TRL's `TextHistory.show_text`: black text on one background
 * colour per role (prompt grey, model blue, tool cyan), then the reward and status, then a legend.
 * Without colour, each segment is preceded by its role in brackets.
 */
import type { Episode, Role } from "../types.ts";
import { colorByDefault } from "./adapter/terminal.ts";

const RESET = "\x1b[0m";
/** Black text on a 256-colour background: grey85, deep_sky_blue1, cyan3, plum1 as in TRL. */
const STYLES: Record<Role | "reward", string> = {
  prompt: "\x1b[30;48;5;253m",
  model: "\x1b[30;48;5;39m",
  tool: "\x1b[30;48;5;43m",
  reward: "\x1b[30;48;5;219m",
};

/**
 * The episode as terminal text; `color: false` gives plain text with `[role]` markers. By default it colours
 * only a terminal: not under `NO_COLOR`, not when output is piped, not in a browser.
 *
 * @example
 * ```ts
 * console.log(showEpisode(episode, { color: true }));
 * ```
 */
export function showEpisode(episode: Episode, options: { color?: boolean } = {}): string {
  const color = options.color ?? colorByDefault();
  const paint = (style: keyof typeof STYLES, text: string) => (color ? STYLES[style] + text + RESET : text);
  const body = episode.segments
    .map((segment) => (color ? "" : `[${segment.role}]`) + paint(segment.role, segment.text))
    .join("");
  const summary = paint("reward", `Reward: ${episode.reward ?? "none"}  Status: ${episode.status}`);
  const legend = color
    ? `Legend: ${paint("prompt", " prompt ")} ${paint("model", " model ")} ${paint("tool", " tool ")} ${
      paint("reward", " reward ")
    }`
    : "Legend: [prompt] [model] [tool]";
  return `${body}\n\n${summary}\n${legend}`;
}
