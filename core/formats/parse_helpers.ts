/** Pieces shared by the three parsers. */
import type { ParseError } from "../types.ts";

/** An `unknown_tool` error when `toolNames` is given and lacks `name`, else null. */
export function unknownTool(
  name: string,
  toolNames: readonly string[] | undefined,
  where: { text: string; offset: number },
): ParseError | null {
  if (!toolNames || toolNames.includes(name)) return null;
  const known = toolNames.length > 0 ? toolNames.join(", ") : "none";
  return { kind: "unknown_tool", message: `unknown tool "${name}"; known tools: ${known}`, ...where };
}

/** True for `{...}` values (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
