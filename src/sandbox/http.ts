// The small HTTP toolkit the sandbox's one request pipeline is built from: a router with typed path params,
// replies, the error envelope, and zod validation that names fields rooted at body./query./path. as the
// contract's FastAPI-shaped errors do.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ApiError, type FieldError } from "./errors.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  method: string;
  url: URL;
  params: Record<string, string>;
}

export type Reply =
  | { status: number; json?: unknown; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> }
  /** The handler wrote the response itself (streams, TUS, SSE). */
  | { handled: true };

export type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;

interface Route {
  method: Method;
  pattern: string;
  parts: string[];
  handler: Handler;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

export class Router {
  private routes: Route[] = [];

  add(method: Method, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern, parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  /**
   * Finds the handler for a request. A path that matches under another method answers 405; one that matches
   * nothing answers 404. Path params named like ids must be UUIDs (422 naming path.<name>).
   */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } {
    const segs = pathname.split("/").filter(Boolean);
    let pathMatched = false;
    for (const r of this.routes) {
      const params = matchParts(r.parts, segs);
      if (!params) continue;
      pathMatched = true;
      if (r.method !== method && !(method === "HEAD" && r.method === "GET")) continue;
      for (const [name, value] of Object.entries(params)) {
        if (name.endsWith("id") && !isUuid(value)) {
          throw new ApiError("validation_error", `Invalid request: path.${name} must be a UUID.`, {
            fields: [{ field: `path.${name}`, message: "must be a UUID" }],
          });
        }
      }
      return { handler: r.handler, params };
    }
    if (pathMatched) throw new ApiError("bad_request", `Method ${method} is not allowed on ${pathname}.`, { status: 405 });
    throw new ApiError("not_found", `No route for ${method} ${pathname}.`);
  }
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | null {
  if (parts.length !== segs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    const s = segs[i] as string;
    if (p.startsWith(":")) {
      let v: string;
      try {
        v = decodeURIComponent(s);
      } catch {
        return null;
      }
      params[p.slice(1)] = v;
    } else if (p !== s) return null;
  }
  return params;
}

// ---- bodies and validation

const MAX_JSON_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage, max = MAX_JSON_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new ApiError("payload_too_large", `Request body is larger than ${max} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON body; an empty body counts as {} so that validation can name the missing fields. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  const text = buf.toString("utf8").trim();
  if (text === "") return {};
  const type = (req.headers["content-type"] ?? "application/json").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json" && !type?.endsWith("+json")) {
    throw new ApiError("unsupported_media_type", "Send the request body as application/json.");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("bad_request", "Request body is not valid JSON.");
  }
}

export function fieldsOf(error: z.ZodError, root: "body" | "query" | "path"): FieldError[] {
  return error.issues.map((issue) => ({
    field: [root, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

export function validate<T extends z.ZodType>(schema: T, value: unknown, root: "body" | "query" | "path"): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = fieldsOf(parsed.error, root);
  const first = fields[0];
  throw new ApiError("validation_error", first ? `Invalid request: ${first.field}: ${first.message}` : "Invalid request.", { fields });
}

export async function body<T extends z.ZodType>(ctx: RequestContext, schema: T): Promise<z.infer<T>> {
  const value = await readJson(ctx.req);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError("validation_error", "Invalid request: body must be a JSON object.", { fields: [{ field: "body", message: "must be a JSON object" }] });
  }
  return validate(schema, value, "body");
}

export function query<T extends z.ZodType>(ctx: RequestContext, schema: T): z.infer<T> {
  const raw: Record<string, string> = {};
  for (const [k, v] of ctx.url.searchParams) raw[k] = v;
  return validate(schema, raw, "query");
}

const intString = (min: number, max: number, dflt: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`))
    .optional()
    .transform((v) => v ?? dflt);

/** limit 1..100 (default 20) and offset >= 0 [doc]. */
export const pagination = {
  limit: intString(1, 100, 20),
  offset: intString(0, Number.MAX_SAFE_INTEGER, 0),
};

export function pageReply<T>(items: T[], total: number, limit: number, offset: number): Reply {
  return { status: 200, json: { items, total, limit, offset } };
}

// ---- writing responses

export function sendReply(ctx: RequestContext, reply: Reply): void {
  if ("handled" in reply) return;
  const { res } = ctx;
  const headers: Record<string, string> = { "X-Request-Id": ctx.requestId, ...(reply.headers ?? {}) };
  if ("text" in reply) {
    headers["Content-Type"] = reply.contentType;
    res.writeHead(reply.status, headers);
    res.end(ctx.method === "HEAD" ? undefined : reply.text);
    return;
  }
  if (reply.json === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(reply.json);
  headers["Content-Type"] = "application/json";
  res.writeHead(reply.status, headers);
  res.end(ctx.method === "HEAD" ? undefined : text);
}

export function envelope(err: ApiError): { error: { code: string; message: string; fields?: FieldError[] } } {
  const e: { code: string; message: string; fields?: FieldError[] } = { code: err.code, message: err.message };
  if (err.code === "validation_error" && err.opts.fields) e.fields = err.opts.fields;
  return { error: e };
}

export function errorReply(err: ApiError): Reply {
  const headers: Record<string, string> = { ...(err.opts.headers ?? {}) };
  if (err.opts.retryAfter !== undefined) headers["Retry-After"] = String(err.opts.retryAfter);
  return { status: err.status, json: envelope(err), headers };
}

export function sendError(ctx: RequestContext, err: ApiError): void {
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  sendReply(ctx, errorReply(err));
}
