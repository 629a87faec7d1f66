// The JSON Schemas a tool is listed with. Input schemas stay inside what every model provider accepts,
// because hosts hand them on as they are: Gemini's API answers a whole request with 400 for an
// `exclusiveMinimum`, OpenAI's strict mode refuses any string `format` but a few, several converters choke on
// type arrays, and lossy ones (Codex, mcp-use) drop enums, so each enum's values are also named in its
// description. What the listing loosens (`exclusiveMinimum` -> `minimum`, a dropped `format`) the handler's
// own zod schema still checks, with a message that names the argument.
// Output schemas are for the client's validation of structuredContent, not for the model: they keep the
// top-level fields and their types, and nested objects only as objects, which still validates every answer
// in about half the bytes.

import { z } from "zod";

type JsonSchema = Record<string, unknown>;

/** zod's bound for .int(): it says nothing a model needs. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** `anyOf: [X, {type: "null"}]` -> X with `type: [X.type, "null"]` (output only: input schemas carry no type arrays). */
function collapseNullable(node: JsonSchema): JsonSchema {
  const anyOf = node.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2 || Object.keys(node).some((k) => k !== "anyOf" && k !== "description")) return node;
  const nullIndex = anyOf.findIndex((s) => JSON.stringify(s) === '{"type":"null"}');
  const other = anyOf[1 - nullIndex] as JsonSchema | undefined;
  if (nullIndex < 0 || !other || typeof other.type !== "string" || "anyOf" in other || "enum" in other) return node;
  return { ...other, type: [other.type, "null"], ...(node.description !== undefined ? { description: node.description } : {}) };
}

/** Appends the enum values a description does not already name, so a converter that drops `enum` loses nothing. */
function nameEnum(node: JsonSchema): JsonSchema {
  const values = (node.enum ?? (node.items as JsonSchema | undefined)?.enum) as unknown[] | undefined;
  if (!Array.isArray(values)) return node;
  const description = typeof node.description === "string" ? node.description : "";
  if (values.every((v) => description.includes(String(v)))) return node;
  const list = `one of ${values.map(String).join(", ")}`;
  return { ...node, description: description ? `${description} (${list})` : list };
}

export function inputSchemaOf(shape: z.ZodRawShape): JsonSchema {
  const raw = z.toJSONSchema(z.object(shape), { io: "input", target: "draft-7", unrepresentable: "any" });
  const walk = (node: unknown, isProperty: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, false));
    if (!node || typeof node !== "object") return node;
    let out: JsonSchema = {};
    for (const [key, value] of Object.entries(node as JsonSchema)) {
      if (key === "$schema") continue;
      // String lengths ("not empty", a 100,000-character script) guard the server, not the agent's choices:
      // the handler checks them with a message that names the argument.
      if (key === "minLength" || key === "maxLength") continue;
      if ((key === "maximum" && value === SAFE_INTEGER) || (key === "minimum" && value === -SAFE_INTEGER)) continue;
      if (key === "exclusiveMinimum" || key === "exclusiveMaximum") {
        const bound = key === "exclusiveMinimum" ? "minimum" : "maximum";
        if (typeof value === "number" && !(bound in (node as JsonSchema))) out[bound] = value;
        continue;
      }
      if (key === "format" && value !== "date-time") continue;
      if (key === "properties" && value && typeof value === "object") {
        out.properties = Object.fromEntries(Object.entries(value as JsonSchema).map(([name, sub]) => [name, walk(sub, true)]));
        continue;
      }
      out[key] = walk(value, false);
    }
    if (isProperty) out = nameEnum(out);
    return out;
  };
  return walk(raw, false) as JsonSchema;
}

export function outputSchemaOf(shape: z.ZodRawShape): JsonSchema {
  const raw = z.toJSONSchema(z.object(shape), { io: "output", target: "draft-7", unrepresentable: "any" });
  // depth 0: the result object; 1: its fields; deeper: only the type survives.
  const walk = (node: unknown, depth: number): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, depth));
    if (!node || typeof node !== "object") return node;
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node as JsonSchema)) {
      if (key === "$schema" || key === "required" || key === "description" || key === "additionalProperties") continue;
      if (depth >= 1 && (key === "properties" || key === "items" || key === "enum")) continue;
      if (key === "properties" && value && typeof value === "object") {
        out.properties = Object.fromEntries(Object.entries(value as JsonSchema).map(([name, sub]) => [name, walk(sub, depth + 1)]));
        continue;
      }
      out[key] = key === "anyOf" ? walk(value, depth) : walk(value, depth + 1);
    }
    return collapseNullable(out);
  };
  return walk(raw, 0) as JsonSchema;
}
