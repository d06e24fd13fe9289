/**
 * Episodes as HTML for the demo page: one `<span>` per segment, coloured by role as `show()` colours a
 * terminal (prompt grey, model blue, tool cyan), and a line with the reward, status and calls.
 * Pure string building, so it runs (and is tested) anywhere.
 */
import type { Episode } from "../core/types.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text with the five HTML-significant characters escaped.
 *
 * @example
 * ```ts
 * escapeHtml("<call>"); // "&lt;call&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/**
 * One episode as an `<article>`: its segments coloured by role, then its reward, status and tool calls.
 *
 * @example
 * ```ts
 * container.innerHTML = episodes.map(renderEpisode).join("");
 * ```
 */
export function renderEpisode(episode: Episode): string {
  const segments = episode.segments
    .map((s) => `<span class="segment ${s.role}" data-role="${s.role}" title="${s.role}, ${s.tokens.length} tokens">${escapeHtml(s.text)}</span>`)
    .join("");
  const modelTokens = episode.mask().reduce((sum, m) => sum + m, 0);
  const calls = episode.calls.map((c) => `${c.name || "(malformed call)"} → ${c.error ?? c.result}`).map(escapeHtml).join("; ");
  const summary = [
    `reward <b data-field="reward">${episode.reward ?? "none"}</b>`,
    `status <b data-field="status">${escapeHtml(episode.status)}</b>`,
    `${modelTokens} model tokens of ${episode.tokens().length}`,
    `${episode.calls.length} tool call${episode.calls.length === 1 ? "" : "s"}${calls ? `: ${calls}` : ""}`,
  ].join(" · ");
  return `<article class="episode" data-id="${escapeHtml(episode.id)}" data-status="${escapeHtml(episode.status)}">` +
    `<pre>${segments}</pre><p class="summary">${summary}</p></article>`;
}
