/**
 * A small builder for ONNX graphs: `op()` appends a node and returns the name of its output, so a
 * graph reads like the computation (`const y = g.op("MatMul", [x, w])`); constants become
 * initializers, and small integer constants are shared.
 */
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from "../proto/onnx_proto.ts";

/** Builds one graph. */
export interface GraphBuilder {
  /** Appends `opType(inputs)` and returns its (first) output; `hint` names the output. */
  op(opType: string, inputs: string[], attributes?: Record<string, OnnxAttribute>, hint?: string): string;
  /** Appends a node with several outputs, named by `hints`. */
  opMulti(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute>, hints: string[]): string[];
  /** A float32 initializer named `name`. */
  floats(name: string, dims: number[], data: Float32Array): string;
  /** A shared int64 constant (1-D, or a scalar when `scalar`). */
  int64s(values: readonly number[], options?: { scalar?: boolean }): string;
  /** A shared float32 scalar constant. */
  scalar(value: number): string;
  input(info: OnnxValueInfo): string;
  /** Marks `value` as the graph output `info.name` (through an Identity when the names differ). */
  output(value: string, info: OnnxValueInfo): void;
  build(name: string, docString?: string): OnnxGraph;
}

/**
 * A fresh, empty graph builder.
 *
 * @example
 * ```ts
 * const g = graphBuilder();
 * const x = g.input({ name: "x", type: "float32", shape: ["n", 4] });
 * g.output(g.op("Relu", [x]), { name: "y", type: "float32", shape: ["n", 4] });
 * const graph = g.build("relu");
 * ```
 */
export function graphBuilder(): GraphBuilder {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const shared = new Map<string, string>();
  const used = new Set<string>();
  let counter = 0;
  const fresh = (hint: string) => {
    let name = hint;
    while (used.has(name)) name = `${hint}_${++counter}`;
    used.add(name);
    return name;
  };
  const exact = (name: string, what: string) => {
    if (used.has(name)) throw new Error(`ONNX graph: the ${what} name "${name}" is already used; names must be unique`);
    used.add(name);
    return name;
  };
  /** A shared constant, created on first use. */
  const constant = (key: string, hint: string, tensor: Omit<OnnxTensor, "name">) => {
    let name = shared.get(key);
    if (!name) {
      name = fresh(hint);
      initializers.push({ ...tensor, name });
      shared.set(key, name);
    }
    return name;
  };

  const g: GraphBuilder = {
    op: (opType, inputs, attributes, hint) => g.opMulti(opType, inputs, attributes ?? {}, [hint ?? opType])[0],
    opMulti(opType, nodeInputs, attributes, hints) {
      const names = hints.map(fresh);
      nodes.push({ opType, inputs: nodeInputs, outputs: names, name: names[0], attributes });
      return names;
    },
    floats(name, dims, data) {
      initializers.push({ name: exact(name, "initializer"), type: "float32", dims, data });
      return name;
    },
    int64s: (values, options = {}) =>
      constant(`i64:${options.scalar ? "s" : "v"}:${values}`, `const_i${values.join("_").replace(/-/g, "m")}`, {
        type: "int64",
        dims: options.scalar ? [] : [values.length],
        data: BigInt64Array.from(values, BigInt),
      }),
    scalar: (value) => constant(`f32:${value}`, "const_f", { type: "float32", dims: [], data: Float32Array.of(value) }),
    input(info) {
      inputs.push(info);
      exact(info.name, "input");
      return info.name;
    },
    output(value, info) {
      if (value !== info.name) {
        exact(info.name, "output");
        nodes.push({ opType: "Identity", inputs: [value], outputs: [info.name], name: info.name });
      }
      outputs.push(info);
    },
    build: (name, docString) => ({ name, nodes, initializers, inputs, outputs, docString }),
  };
  return g;
}
