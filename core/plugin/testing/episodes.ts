/** Episodes from role/text pairs, for the tests of verifiers (here and in plugins/verifiers). */
import { appendSegment, createEpisode } from "../../episode/mod.ts";
import { charTokenizer } from "../../tokenizer/mod.ts";
import type { Episode, EpisodeStatus, FormatName, Role, ToolCallRecord } from "../../types.ts";

const tokenizer = charTokenizer();

/** An episode whose first text is the prompt and whose other texts alternate model/tool as given. */
export function episodeOf(
  prompt: string,
  turns: [Exclude<Role, "prompt">, string][],
  options: { status?: EpisodeStatus; calls?: Partial<ToolCallRecord>[]; format?: FormatName } = {},
): Episode {
  const episode = createEpisode({ id: "test", prompt, tokenizer, format: options.format });
  for (const [role, text] of turns) appendSegment(episode, role, text);
  episode.status = options.status ?? "done";
  episode.calls = (options.calls ?? []).map((call) => ({
    turn: 0,
    name: "",
    arguments: {},
    result: "",
    error: null,
    durationMs: 0,
    ...call,
  }));
  return episode;
}
