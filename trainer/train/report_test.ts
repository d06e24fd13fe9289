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

test.run();
