// The secret values this process holds (the API key from the environment or its key file, the bearer key of
// each HTTP request in flight) and one redaction pass by value over everything that leaves the process: every
// JSON-RPC message a transport sends (tool text, structuredContent, resource contents, notifications, errors)
// and every log line. By value, not by field: a key that comes back inside a request id, a validation field's
// name or a file's text is caught wherever it sits. A leaf: it imports nothing of ours, so any layer can use it.

export const REDACTED = "[redacted]";

/** Shorter values are not treated as secrets: redacting them would mangle ordinary words. */
const MIN_SECRET_CHARS = 8;
/** A run of this many leading characters of a secret counts as the secret (a truncated message still leaks). */
const PREFIX_CHARS = 16;

// Counted, because several requests may carry the same key at once: it stays until the last one ends.
const held = new Map<string, number>();
let needles: string[] = [];

function rebuild(): void {
  const forms = new Set<string>();
  for (const value of held.keys()) {
    forms.add(value);
    forms.add(encodeURIComponent(value));
    forms.add(JSON.stringify(value).slice(1, -1));
  }
  // Longest first, so that a form containing another is replaced whole.
  needles = [...forms].sort((a, b) => b.length - a.length);
}

/** Holds `value` as a secret until the returned release is called (each call needs its own release). */
export function registerSecret(value: string | null | undefined): () => void {
  const secret = value?.trim();
  if (!secret || secret.length < MIN_SECRET_CHARS) return () => {};
  held.set(secret, (held.get(secret) ?? 0) + 1);
  if (held.get(secret) === 1) rebuild();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (held.get(secret) ?? 1) - 1;
    if (left > 0) held.set(secret, left);
    else {
      held.delete(secret);
      rebuild();
    }
  };
}

/** Whether `text` holds a secret, whole or as a leading run of PREFIX_CHARS or more. */
export function containsSecret(text: string): boolean {
  return needles.length > 0 && redactText(text) !== text;
}

/** `text` with every secret (whole, or a long leading part of one) replaced by [redacted]. */
export function redactText(text: string): string {
  if (needles.length === 0 || typeof text !== "string") return text;
  let out = text;
  for (const needle of needles) {
    const head = needle.slice(0, Math.min(PREFIX_CHARS, needle.length));
    let from = 0;
    for (;;) {
      const at = out.indexOf(head, from);
      if (at < 0) break;
      // Extend over as much of the secret as follows: a cut-off key is redacted as far as it goes.
      let end = at + head.length;
      while (end - at < needle.length && out[end] === needle[end - at]) end++;
      out = out.slice(0, at) + REDACTED + out.slice(end);
      from = at + REDACTED.length;
    }
  }
  return out;
}

/**
 * A copy of `value` with every string (object keys too) redacted. Parts without a secret keep their
 * identity, so a message with nothing to hide is returned as it is.
 */
export function redactDeep<T>(value: T): T {
  if (needles.length === 0) return value;
  // Most messages hold no secret: one serialisation and a search answer that faster than a walk.
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined; // cycles or BigInt: walk instead
  }
  if (text !== undefined && !needles.some((n) => text.includes(n.slice(0, Math.min(PREFIX_CHARS, n.length))))) return value;
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object" || depth > 64) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, i) => {
      const next = walk(item, depth + 1);
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    return copy ?? value;
  }
  // Only plain data: a Buffer, a Date or a class instance passes through as the transport would send it.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const k = redactText(key);
    const next = walk(item, depth + 1);
    if (k !== key || next !== item) changed = true;
    out[k] = next;
  }
  return changed ? out : value;
}

/** The part of an MCP transport (any SDK version) this needs: something that sends messages. */
export type SendingTransport = { send(message: never, ...rest: never[]): Promise<void> };

/** Wraps the transport's send so that every outgoing message passes redactDeep first; returns the transport. */
export function redactingTransport<T extends SendingTransport>(transport: T): T {
  const send = transport.send.bind(transport) as (message: unknown, ...rest: unknown[]) => Promise<void>;
  (transport as unknown as { send: (message: unknown, ...rest: unknown[]) => Promise<void> }).send = (message, ...rest) => send(redactDeep(message), ...rest);
  return transport;
}

/**
 * A web Response whose body passes redactText on its way out, chunk by chunk so that an SSE stream still flows.
 * Only a chunk's end that could be the start of a secret is held back until the next chunk (an SSE event ends in
 * a blank line, which never is). The length changes with a redaction, so Content-Length is dropped.
 */
export function redactResponse(response: Response): Response {
  if (!response.body || needles.length === 0) return response;
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const text = redactText(pending + decoder.decode(chunk, { stream: true }));
        const keep = heldBack(text);
        pending = text.slice(text.length - keep);
        if (text.length > keep) controller.enqueue(encoder.encode(text.slice(0, text.length - keep)));
      },
      flush(controller) {
        const rest = redactText(pending + decoder.decode());
        if (rest) controller.enqueue(encoder.encode(rest));
      },
    }),
  );
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** How many characters at the end of `text` could begin a secret (0 when none could). */
function heldBack(text: string): number {
  let longest = 0;
  for (const needle of needles) {
    for (let n = Math.min(needle.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(needle.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

/** Wraps a log sink so that no line it receives carries a secret. */
export function redactingLogger(log: (line: string) => void): (line: string) => void {
  return (line) => log(redactText(line));
}
