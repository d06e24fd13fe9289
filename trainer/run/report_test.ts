import { test } from "uvu";
import * as assert from "uvu/assert";
import { escapeHtml, lineChart, renderReport } from "./report.ts";

const rows = [0, 1, 2, 3].map((step) => ({ step, "env/reward_mean": step / 3, "objective/kl": 0.1 * step }));

test("lineChart() draws one polyline per key with points scaled into the plot", () => {
  const svg = lineChart({ title: "reward & KL", keys: ["env/reward_mean", "objective/kl"] }, rows);
  assert.is(svg.match(/<polyline /g)?.length, 2);
  assert.match(svg, "reward &amp; KL");
  const points = /points="([^"]+)"/.exec(svg)![1].split(" ").map((p) => p.split(",").map(Number));
  assert.is(points.length, 4);
  assert.ok(points[0][1] > points[3][1], "a rising series goes up the page");
});

test("lineChart() says so when there is no data", () => {
  assert.match(lineChart({ title: "x", keys: ["missing"] }, rows), "no data");
});

test("renderReport() is self-contained and colours segments by role, escaping their text", () => {
  const html = renderReport({
    title: "calculator",
    summary: { task: "calculator", algo: "ppo" },
    evaluations: [{ label: "after RL", n: 100, accuracy: 0.97, toolCallRate: 1, errorRate: 0 }],
    metrics: rows,
    charts: [{ title: "reward", keys: ["env/reward_mean"] }],
    episodes: [{
      title: "episode 1",
      reward: 1,
      segments: [
        { role: "prompt", text: "What is 2 + 2?" },
        { role: "model", text: "<request><Calculator>2+2<call>" },
        { role: "tool", text: "4<response>" },
      ],
    }],
  });
  assert.not.match(html, /<script|https?:\/\/(?!www\.w3\.org)/);
  assert.match(html, '<span class="model" title="model">&lt;request&gt;&lt;Calculator&gt;2+2&lt;call&gt;</span>');
  assert.match(html, '<span class="tool" title="tool">4&lt;response&gt;</span>');
  assert.match(html, "<b>0.970</b>");
  assert.is(escapeHtml(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
});

test("lineChart() anchors a 0..1 quantity at 0 and 1 and labels five y ticks", () => {
  const flat = [0, 1, 2].map((step) => ({ step, accuracy: 0.5 + step * 0.01 }));
  const anchored = lineChart({ title: "accuracy", keys: ["accuracy"], yRange: [0, 1] }, flat);
  for (const tick of ["0", "0.25", "0.5", "0.75", "1"]) assert.match(anchored, `text-anchor="end">${tick}</text>`);
  const free = lineChart({ title: "accuracy", keys: ["accuracy"] }, flat);
  assert.not.match(free, `text-anchor="end">0</text>`);
});

test("renderRunReport() charts held-out accuracy over steps, one quantity per chart, settings and first and last episodes", async () => {
  const { renderRunReport } = await import("./run_report.ts");
  const { parseTrainConfig } = await import("./config.ts");
  const { createEpisode, appendSegment } = await import("../../core/episode/episode.ts");
  const { charTokenizer } = await import("../../core/tokenizer/mod.ts");
  const tokenizer = charTokenizer();
  const episode = (reward: number, answer: string) => {
    const e = createEpisode({ id: answer, prompt: "What is 2 + 2?\n", tokenizer });
    appendSegment(e, "model", answer, tokenizer.encode(answer));
    e.reward = reward;
    e.status = "done";
    return e;
  };
  const config = parseTrainConfig({ task: "calculator", steps: 4 });
  const evaluations = [
    { label: "after SFT", step: 0, phase: "sft" as const, n: 10, accuracy: 0.2, toolCallRate: 0.1, errorRate: 0 },
    { label: "after RL", step: 4, phase: "rl" as const, n: 10, accuracy: 0.9, toolCallRate: 1, errorRate: 0 },
  ];
  const state = {
    version: 1 as const, step: 4, klCoef: 0.1, rng: [1, 2, 3, 4], config, evaluations, sftLoss: [], elapsedSeconds: 3,
    firstEpisodes: [{ title: "episode of RL step 1 (done)", reward: 0, segments: [{ role: "model" as const, text: "Result = 5 <submit>" }] }],
  };
  const metrics = [1, 2, 3, 4].map((step) => ({ step, "env/reward_mean": step / 4, "tools/call_rate": step / 4 }));
  const html = renderRunReport({ config, state, metrics, episodes: [episode(1, "Result = 4 <submit>"), episode(0, "Result = 3 <submit>")], elapsedSeconds: 3 });
  assert.match(html, "held-out accuracy (greedy)");
  const charts = [...html.matchAll(/<div class="chart">(.*?)<\/svg>(?:<p class="caption">[^<]*<\/p>)?<\/div>/gs)].map((m) => m[1]);
  assert.ok(charts.length >= 14, `${charts.length} charts`);
  assert.ok(charts.every((svg) => (svg.match(/<polyline /g)?.length ?? 0) <= 1), "one quantity per chart");
  assert.match(html, "ppo.learningRate");
  assert.match(html, "episode of RL step 1 (done) 1");
  assert.match(html, "episode of the last RL step (4) (done) 1");
  assert.match(html, "Result = 3 &lt;submit&gt;"); // a failing episode of the last step is shown too
  assert.match(html, /explained variance of the value head<\/text>.*?<\/svg><p class="caption">1 − Var\(returns − values\) \/ Var\(returns\): 1 is a perfect/s);
  assert.match(html, "<th>SFT demonstrations that call the tool</th><td>100% (--sft-tool-rate 1: every demonstration calls the tool)</td>");
});

test("toolRateText() gives --sft-tool-rate as a percentage with its meaning", async () => {
  const { toolRateText } = await import("./run_report.ts");
  assert.is(toolRateText(0.1), "10% (--sft-tool-rate 0.1: each demonstration calls the tool with this probability, the others answer without it)");
  assert.match(toolRateText(0.333), /^33\.3% \(/);
});

test.run();
