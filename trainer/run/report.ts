/**
 * `report.html`: a self-contained page (inline CSS and SVG, no scripts, no external assets) with the run's
 * evaluations, its curves, and sample episodes coloured by role (prompt, model, tool).
 */
import type { Role } from "../../core/types.ts";

/** One evaluation row of the report. */
export interface ReportEvaluation {
  label: string;
  /** RL steps done when it ran (0 before RL). */
  step?: number;
  /** The phase it closes: "sft" (before any RL step) or "rl". */
  phase?: "sft" | "rl";
  n: number;
  accuracy: number;
  toolCallRate: number;
  errorRate: number;
  /** Fraction of episodes in which the model wrote a tool's output marker itself. */
  selfWrittenOutputRate?: number;
}

/** A sample episode to show. */
export interface ReportEpisode {
  title: string;
  reward: number | null;
  segments: { role: Role; text: string }[];
}

/** A chart: a title and the metric keys to draw against `step`. */
export interface ReportChart {
  title: string;
  keys: string[];
  /** Rows to read the keys from (defaults to the RL metrics). */
  rows?: Record<string, number>[];
  /** A fixed y range (e.g. [0, 1] for accuracies and 0/1 rewards), widened only if data falls outside it. */
  yRange?: [number, number];
  /** Label of the x axis (default "RL step"). */
  xLabel?: string;
  /** One line under the chart: what the quantity is and what values are good. */
  caption?: string;
}

/** Everything the page shows. */
export interface ReportInput {
  title: string;
  /** Facts shown as a table (task, algorithm, format, seed, wall time...). */
  summary: Record<string, string | number>;
  /** The run's settings, shown as a second table (dotted keys). */
  settings?: Record<string, string | number | boolean>;
  evaluations: ReportEvaluation[];
  /** One row per RL step, with a `step` key (metrics.jsonl). */
  metrics: Record<string, number>[];
  charts: ReportChart[];
  episodes: ReportEpisode[];
}

const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed"];

/**
 * Escapes text for HTML.
 *
 * @example escapeHtml("<call>"); // "&lt;call&gt;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A number for an axis label, with enough decimals to tell apart ticks `span` apart. */
function label(x: number, span = Math.abs(x)): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3 || (span > 0 && span < 1e-6))) return x.toExponential(2);
  const decimals = span > 0 ? Math.min(8, Math.max(0, Math.ceil(-Math.log10(span)) + 2)) : 3;
  return String(Number(x.toFixed(decimals)));
}

/** Evenly spaced ticks from `from` to `to` (inclusive). */
function ticks(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + (to - from) * i / (count - 1));
}

/**
 * An SVG line chart of `keys` against `step` from `rows`.
 *
 * @example lineChart({ title: "reward", keys: ["env/reward_mean"] }, rows);
 */
export function lineChart(chart: ReportChart, rows: Record<string, number>[]): string {
  const width = 460, height = 230, left = 56, right = 12, top = 46, bottom = 36;
  const series = chart.keys.map((key) => ({
    key,
    points: rows.filter((r) => Number.isFinite(r[key]) && Number.isFinite(r.step)).map((r) => [r.step, r[key]]),
  }));
  const all = series.flatMap((s) => s.points);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<text x="${left}" y="18" class="title">${escapeHtml(chart.title)}</text>`;
  if (all.length === 0) return `${head}<text x="${left}" y="${height / 2}">no data</text></svg>`;
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (chart.yRange) [y0, y1] = [Math.min(y0, chart.yRange[0]), Math.max(y1, chart.yRange[1])];
  if (x1 === x0) x1 = x0 + 1;
  // a constant series (a fixed learning rate): from 0 to twice its value, so its ticks read as that value
  if (y1 === y0) [y0, y1] = y0 === 0 ? [-1, 1] : [Math.min(0, 2 * y0), Math.max(0, 2 * y0)];
  const px = (x: number) => left + (x - x0) / (x1 - x0) * (width - left - right);
  const py = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom);
  const axes = `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" class="axis"/>` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" class="axis"/>` +
    ticks(y0, y1, 5).map((y) =>
      `<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${label(y, y1 - y0)}</text>` +
      `<line x1="${left}" y1="${py(y)}" x2="${width - right}" y2="${py(y)}" class="grid"/>`
    ).join("") +
    [...new Set(ticks(x0, x1, 5).map((x) => Math.round(x)))].map((x) =>
      `<text x="${px(x)}" y="${height - bottom + 16}" text-anchor="middle">${label(x, x1 - x0)}</text>`
    ).join("") +
    `<text x="${(left + width - right) / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(chart.xLabel ?? "RL step")}</text>`;
  const lines = series.map((s, i) => {
    const color = COLORS[i % COLORS.length];
    const path = s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(" ");
    const dots = s.points.length === 1 ? `<circle cx="${px(s.points[0][0])}" cy="${py(s.points[0][1])}" r="3" fill="${color}"/>` : "";
    const legend = `<text x="${left + i * Math.floor((width - left) / series.length)}" y="34" fill="${color}">${escapeHtml(s.key)}</text>`;
    return `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="1.8"/>${dots}${legend}`;
  }).join("");
  return `${head}${axes}${lines}</svg>`;
}

/** One episode, its segments coloured by role. */
function episodeHtml(episode: ReportEpisode): string {
  const body = episode.segments
    .map((s) => `<span class="${s.role}" title="${s.role}">${escapeHtml(s.text)}</span>`)
    .join("");
  const reward = episode.reward === null ? "no reward" : `reward ${label(episode.reward)}`;
  return `<figure><figcaption>${escapeHtml(episode.title)} — ${reward}</figcaption><pre>${body}</pre></figure>`;
}

/**
 * The whole page.
 *
 * @example await writeFile("runs/x/report.html", renderReport(input));
 */
export function renderReport(input: ReportInput): string {
  const table = (facts: Record<string, unknown>) =>
    Object.entries(facts).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`).join("");
  const summary = table(input.summary);
  const settings = input.settings
    ? `<details><summary>All settings of the run</summary><table class="settings">${table(input.settings)}</table></details>`
    : "";
  const evaluations = input.evaluations.map((e) =>
    `<tr><td>${escapeHtml(e.label)}</td><td>${e.step ?? "-"}</td><td>${e.n}</td><td><b>${e.accuracy.toFixed(3)}</b></td>` +
    `<td>${e.toolCallRate.toFixed(3)}</td><td>${e.errorRate.toFixed(3)}</td>` +
    `<td>${e.selfWrittenOutputRate?.toFixed(3) ?? "-"}</td></tr>`
  ).join("");
  const charts = input.charts.map((c) => {
    const caption = c.caption ? `<p class="caption">${escapeHtml(c.caption)}</p>` : "";
    return `<div class="chart">${lineChart(c, c.rows ?? input.metrics)}${caption}</div>`;
  }).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#111;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse}th,td{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:8px}.chart svg{border:1px solid #e5e5e5;background:#fff}
.caption{font-size:12px;color:#555;max-width:460px;margin:2px 0 0}
svg text{font:11px system-ui,sans-serif;fill:#444}svg .title{font-size:13px;font-weight:600;fill:#111}
.axis{stroke:#888}.grid{stroke:#eee}
pre{white-space:pre-wrap;word-break:break-all;background:#fafafa;border:1px solid #e5e5e5;padding:8px;margin:4px 0}
figure{margin:10px 0}figcaption{font-size:12px;color:#555}
.prompt{color:#6b7280}.model{background:#dbeafe;color:#1e3a8a}.tool{background:#dcfce7;color:#14532d}
.legend span{padding:1px 6px;margin-right:6px}
details{margin-top:10px}.settings td,.settings th{font-size:12px;padding:1px 8px}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<table>${summary}</table>
${settings}
<h2>Held-out evaluation</h2>
<table><tr><th>when</th><th>RL step</th><th>n</th><th>accuracy</th><th>tool-call rate</th><th>tool error rate</th><th>wrote tool output itself</th></tr>${evaluations}</table>
<h2>Training curves</h2>
<div class="charts">${charts}</div>
<h2>Sample episodes</h2>
<p class="legend"><span class="prompt">prompt</span><span class="model">model</span><span class="tool">tool</span></p>
${input.episodes.map(episodeHtml).join("\n")}
</body></html>
`;
}
