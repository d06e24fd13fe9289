/**
 * The `unit_convert` tool of the example plugin: converts a value between units of length or mass.
 * A user's tool: a name, a description, a valibot schema and `run`, nothing else.
 */
import * as v from "valibot";
import { defineTool } from "../../mod.ts";

/** Each unit's size in its dimension's base unit (metre, kilogram). */
export const UNITS = {
  km: { dimension: "length", size: 1000 },
  m: { dimension: "length", size: 1 },
  cm: { dimension: "length", size: 0.01 },
  mi: { dimension: "length", size: 1609.344 },
  ft: { dimension: "length", size: 0.3048 },
  kg: { dimension: "mass", size: 1 },
  g: { dimension: "mass", size: 0.001 },
  lb: { dimension: "mass", size: 0.45359237 },
} as const;

export type Unit = keyof typeof UNITS;
const unitNames = Object.keys(UNITS) as Unit[];

/** `value` in `from` expressed in `to`; throws when the units measure different things. */
export function convert(value: number, from: Unit, to: Unit): number {
  if (UNITS[from].dimension !== UNITS[to].dimension) {
    throw new Error(`cannot convert ${from} (${UNITS[from].dimension}) to ${to} (${UNITS[to].dimension})`);
  }
  return (value * UNITS[from].size) / UNITS[to].size;
}

/** The tool: `{ value, from, to }`, or `3 km to m` in the submit format. */
export const unitConvert = defineTool({
  name: "unit_convert",
  description: "Converts a value between units of length (km, m, cm, mi, ft) or mass (kg, g, lb).",
  parameters: v.object({
    value: v.pipe(v.number(), v.finite()),
    from: v.picklist(unitNames),
    to: v.picklist(unitNames),
  }),
  run: ({ value, from, to }) => String(Number(convert(value, from, to).toFixed(4))),
  timeoutMs: 1000,
  fromText: (query) => {
    const match = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]+)\s+(?:to|in)\s+([a-z]+)\s*$/i.exec(query);
    return match ? { value: Number(match[1]), from: match[2], to: match[3] } : query;
  },
});
