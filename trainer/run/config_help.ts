/**
 * The `--set` part of `toolrl train --help`, generated from the config schema: every dotted key, its value
 * for the task (schema default merged with the task's preset) and its one-line description, so the help can
 * never drift from what the trainer accepts.
 */
import { parseTrainConfig, TrainConfigSchema } from "./config.ts";

interface SchemaNode {
  type: string;
  wrapped?: SchemaNode;
  entries?: Record<string, SchemaNode>;
  pipe?: { type: string; description?: string; options?: unknown[] }[];
  options?: unknown[];
}

/** One settable key. */
export interface SettingDoc {
  key: string;
  type: string;
  value: unknown;
  description: string;
}

/**
 * Every leaf setting of the train config, with its value for `task` and its description.
 *
 * @example settingDocs("calculator").find((s) => s.key === "ppo.learningRate")?.value; // 3e-5 (the preset's)
 */
export function settingDocs(task = "calculator"): SettingDoc[] {
  const values = parseTrainConfig({ task }) as unknown as Record<string, unknown>;
  const out: SettingDoc[] = [];
  const walk = (node: SchemaNode, path: string[], value: unknown) => {
    const inner = unwrap(node);
    if (inner.type === "strict_object" || inner.type === "object") {
      for (const [name, child] of Object.entries(inner.entries ?? {})) {
        walk(child, [...path, name], (value as Record<string, unknown> | undefined)?.[name]);
      }
      return;
    }
    out.push({ key: path.join("."), type: typeName(inner), value, description: describe(node) });
  };
  walk(TrainConfigSchema as unknown as SchemaNode, [], values);
  return out;
}

/**
 * The settings as help text: `key (type, default X)  description`, one per line.
 *
 * @example console.log(settingsHelp("calculator"));
 */
export function settingsHelp(task = "calculator"): string {
  const docs = settingDocs(task).filter((doc) => doc.key !== "task");
  const width = Math.max(...docs.map((doc) => doc.key.length));
  return docs.map((doc) => {
    const value = doc.value === undefined ? "unset" : JSON.stringify(doc.value);
    return `  ${doc.key.padEnd(width)}  ${doc.type}, default ${value}. ${doc.description}`.trimEnd();
  }).join("\n");
}

function unwrap(node: SchemaNode): SchemaNode {
  let inner = node;
  while (inner.wrapped) inner = inner.wrapped;
  return inner;
}

function describe(node: SchemaNode): string {
  for (let inner: SchemaNode | undefined = node; inner; inner = inner.wrapped) {
    const found = inner.pipe?.find((item) => item.type === "description")?.description;
    if (found) return found;
  }
  return "";
}

function typeName(node: SchemaNode): string {
  const picklist = node.pipe?.find((item) => item.type === "picklist") ?? (node.type === "picklist" ? node : undefined);
  if (picklist?.options) return picklist.options.join("|");
  const base = node.pipe?.[0]?.type ?? node.type;
  if (base === "number" && node.pipe?.some((item) => item.type === "integer")) return "integer";
  return base;
}
