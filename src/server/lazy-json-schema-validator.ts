// The JSON Schema validator the server hands the SDK (it checks elicitation answers against the form's schema).
// The SDK's default, ajv with three dialects and ajv-formats, is some 300 KB of code whose evaluation was a
// large share of the server's start-up, while most sessions never validate a JSON Schema at all: this one
// loads ajv on its first validation. The bundle (scripts/bundle-cli.mjs) also makes it the SDK's default, so
// that nothing evaluates ajv at import.

import { createRequire } from "node:module";
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from "@modelcontextprotocol/server";

type AjvModule = { AjvJsonSchemaValidator: new () => jsonSchemaValidator };

export class LazyJsonSchemaValidator implements jsonSchemaValidator {
  private engine: jsonSchemaValidator | undefined;

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    // getValidator is synchronous, so the engine is loaded with require (the SDK ships ajv's provider as CommonJS too).
    this.engine ??= new (createRequire(import.meta.url)("@modelcontextprotocol/server/validators/ajv") as AjvModule).AjvJsonSchemaValidator();
    return this.engine.getValidator<T>(schema);
  }
}
