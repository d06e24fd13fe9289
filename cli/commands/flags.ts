/**
 * The flag reader of every CLI command: `--name value`, `--name=value`, repeatable flags and boolean switches;
 * unknown flags are errors that list the known ones.
 */

/** How each flag is read. */
export type FlagSpec = Record<string, "string" | "number" | "boolean" | "list">;

/** Parsed flags by name (without dashes) and the positional arguments. */
export interface ParsedFlags {
  flags: Record<string, string | number | boolean | string[]>;
  positional: string[];
}

/**
 * Reads `argv` against `spec`; throws an error naming the bad flag or value.
 *
 * @example readFlags(["calculator", "--steps", "5"], { steps: "number" }); // { flags: { steps: 5 }, positional: ["calculator"] }
 */
export function readFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const flags: ParsedFlags["flags"] = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) {
      const known = Object.keys(spec).map((n) => `--${n}`).join(", ") || "none";
      throw new Error(`unknown option ${arg}; known options: ${known}`);
    }
    if (kind === "boolean") {
      if (eq !== -1) throw new Error(`${arg}: --${name} is a switch and takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith("--"))) throw new Error(`--${name} needs a value`);
    if (kind === "number") {
      const number = Number(value);
      if (value.trim() === "" || !Number.isFinite(number)) throw new Error(`--${name} must be a number, got "${value}"`);
      flags[name] = number;
    } else if (kind === "list") {
      flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    } else {
      flags[name] = value;
    }
  }
  return { flags, positional };
}

/**
 * `readFlags` for commands that exit 2 on bad options: the error sentence instead of a throw.
 *
 * @example tryReadFlags(["--bogus"], { text: "string" }); // "unknown option --bogus; known options: --text"
 */
export function tryReadFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags | string {
  try {
    return readFlags(argv, spec);
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Turns `a.b.c=value` settings into a nested object; values are read as JSON when they parse, else as strings.
 *
 * @example settingsObject(["ppo.learningRate=1e-4", "format=hermes"]); // { ppo: { learningRate: 0.0001 }, format: "hermes" }
 */
export function settingsObject(settings: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const setting of settings) {
    const eq = setting.indexOf("=");
    if (eq <= 0) throw new Error(`--set takes key=value (a dotted key such as ppo.learningRate=1e-4), got "${setting}"`);
    const path = setting.slice(0, eq).split(".");
    const forbidden = path.find((key) => key === "__proto__" || key === "constructor" || key === "prototype");
    if (forbidden !== undefined) throw new Error(`--set ${setting}: "${forbidden}" is not a setting (it would change every object)`);
    const raw = setting.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    let node = out;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}
