import { test } from "uvu";
import * as assert from "uvu/assert";
import { appendSegment, createEpisode } from "../core/episode/episode.ts";
import { charTokenizer } from "../core/tokenizer/mod.ts";
import { escapeHtml, renderEpisode } from "./render.ts";

const tokenizer = charTokenizer();

function calculatorEpisode() {
  const episode = createEpisode({ id: "calc<0>", prompt: "What is 2 + 3?\n", tokenizer });
  appendSegment(episode, "model", "<request><calculator>2 + 3<call>");
  appendSegment(episode, "tool", "5<response>");
  appendSegment(episode, "model", "Result = 5 <submit>");
  episode.calls.push({ turn: 1, name: "calculator", arguments: "2 + 3", result: "5", error: null, durationMs: 1 });
  episode.reward = 1;
  episode.status = "done";
  return episode;
}

test("escapeHtml() escapes the five characters HTML gives meaning to", () => {
  assert.is(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});

test("renderEpisode() writes one span per segment, classed by role, with the text escaped", () => {
  const html = renderEpisode(calculatorEpisode());
  const spans = [...html.matchAll(/<span class="segment (\w+)" data-role="(\w+)"[^>]*>([^<]*)<\/span>/g)];
  assert.equal(spans.map((m) => [m[1], m[2]]), [["prompt", "prompt"], ["model", "model"], ["tool", "tool"], ["model", "model"]]);
  assert.equal(spans.map((m) => m[3]), [
    "What is 2 + 3?\n",
    "&lt;request&gt;&lt;calculator&gt;2 + 3&lt;call&gt;",
    "5&lt;response&gt;",
    "Result = 5 &lt;submit&gt;",
  ]);
  assert.match(html, /data-id="calc&lt;0&gt;"/);
});

test("renderEpisode() sums up the reward, status, model tokens and calls", () => {
  const episode = calculatorEpisode();
  const html = renderEpisode(episode);
  assert.match(html, /reward <b data-field="reward">1<\/b>/);
  assert.match(html, /status <b data-field="status">done<\/b>/);
  const modelTokens = episode.mask().filter((m) => m === 1).length;
  assert.ok(html.includes(`${modelTokens} model tokens of ${episode.tokens().length}`));
  assert.ok(html.includes("1 tool call: calculator → 5"));
});

test.run();
