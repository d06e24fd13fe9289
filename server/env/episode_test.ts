import { test } from "uvu";
import * as assert from "uvu/assert";
import { calculator } from "../../plugins/calculator/mod.ts";
import { wiki } from "../../plugins/wiki/mod.ts";
import type { FormatName, Task } from "../../core/types.ts";
import { closeEpisode, episodeState, resetEpisode, stepEpisode } from "./episode.ts";

const FORMATS: FormatName[] = ["submit", "hermes", "react"];
const tasks: Task[] = [...calculator().tasks, ...wiki().tasks];

for (const task of tasks) {
  for (const format of FORMATS) {
    test(`stepEpisode() plays ${task.name}'s solver in ${format} to reward 1`, async () => {
      for (let seed = 0; seed < 4; seed++) {
        const { episode, result } = resetEpisode(task, { seed, format });
        assert.is(result.done, false);
        assert.is(typeof result.observation.prompt, "string");
        let response = "";
        const results: string[] = [];
        let last = result;
        for (let turn = 0; turn < 8 && !last.done; turn++) {
          const text = task.solve(episode.sample, format, results);
          last = await stepEpisode(episode, { text });
          response += text + (last.observation.text as string);
          results.push(...(last.observation.tool_results as { text: string }[]).map((r) => r.text));
        }
        assert.is(last.done, true, `seed ${seed} did not finish`);
        assert.is(last.reward, 1, `seed ${seed}: ${response}`);
        assert.is(episodeState(episode).step_count, episode.steps);
      }
    });
  }
}

test("stepEpisode() answers a malformed hermes call with a tool error, not a throw", async () => {
  const { episode } = resetEpisode(tasks[0], { seed: 1, format: "hermes" });
  const result = await stepEpisode(episode, { text: "<tool_call>{not json</tool_call>" });
  assert.is(result.done, false);
  const [first] = result.observation.tool_results as { error: string | null }[];
  assert.ok(first.error !== null);
  assert.match(result.observation.text as string, /Tool error/);
});

test("stepEpisode() runs structured tool_calls and refuses a step after done", async () => {
  const { episode } = resetEpisode(tasks[0], { seed: 2, format: "hermes" });
  const result = await stepEpisode(episode, { tool_calls: [{ name: "calculator", arguments: { expression: "2+3" } }] });
  assert.match(result.observation.text as string, /5/);
  await stepEpisode(episode, { text: "The answer is nothing." });
  const refused = await stepEpisode(episode, { text: "again" }).then(() => "", (error: Error) => error.message);
  assert.match(refused, /is done/);
  await closeEpisode(episode);
});

test("resetEpisode() names a bad format and seed", () => {
  assert.throws(() => resetEpisode(tasks[0], { format: "xml" }), /"xml"/);
  assert.throws(() => resetEpisode(tasks[0], { seed: -1 }), /-1/);
});

test.run();
