/**
 * `toolSchemas`: tools as OpenAI function schemas, the list a chat template or `GET /tools` shows the
 * model. The JSON Schema of the arguments comes from the tool's valibot schema.
 */
import { type JsonSchema, type OverrideActionContext, toJsonSchema } from "@valibot/to-json-schema";
import type { Tool } from "../types.ts";

/** One tool in OpenAI's function-calling format. */
export interface FunctionSchema {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/**
 * A check JSON Schema cannot express (`finite`, `check`, ...) only narrows what is valid, so the
 * schema is kept as it is and `invokeTool` still applies the check.
 */
function keepValidationOnly(context: OverrideActionContext): JsonSchema | null {
  return context.errors && context.valibotAction.kind === "validation" ? context.jsonSchema : null;
}

/**
 * The OpenAI function schema of each tool, in order.
 *
 * @example
 * ```ts
 * toolSchemas([calculatorTool()])[0].function.parameters;
 * // { type: "object", properties: { expression: { type: "string", ... } }, required: ["expression"] }
 * ```
 */
export function toolSchemas(tools: readonly Tool[]): FunctionSchema[] {
  return tools.map((tool) => {
    let parameters: Record<string, unknown>;
    try {
      const { $schema: _draft, ...schema } = toJsonSchema(tool.parameters, {
        typeMode: "input",
        errorMode: "throw",
        overrideAction: keepValidationOnly,
      });
      parameters = schema as Record<string, unknown>;
    } catch (error) {
      throw new Error(
        `toolSchemas: the parameters of tool "${tool.name}" have no JSON Schema form (${(error as Error).message}); ` +
          `use plain valibot schemas (object, string, number, picklist, array, optional, pipe with checks).`,
      );
    }
    return { type: "function", function: { name: tool.name, description: tool.description, parameters } };
  });
}
