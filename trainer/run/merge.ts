/** Deep merge of plain settings objects. */

type Json = Record<string, unknown>;

/**
 * Merges `b` into a copy of `a`: nested objects merge, arrays and other values of `b` replace those of `a`.
 *
 * @example mergeConfig({ ppo: { lam: 0.95, gamma: 1 } }, { ppo: { lam: 0.9 } }); // { ppo: { lam: 0.9, gamma: 1 } }
 */
export function mergeConfig(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const base = out[key];
    const bothObjects = [value, base].every((x) => x !== null && typeof x === "object" && !Array.isArray(x));
    out[key] = bothObjects ? mergeConfig(base as Json, value as Json) : value;
  }
  return out;
}
