// The redactor by value: whole secrets, cut-short ones, encoded ones, in values and in object keys; untouched
// parts keep their identity; a released secret is no longer redacted.
import { describe, expect, it } from "vitest";
import { containsSecret, redactDeep, redactResponse, redactText, redactingLogger, registerSecret } from "./secrets.js";

const KEY = "sk_live_R3dact10nUn1tK3y0123456789abcdef";

describe("redaction by value", () => {
  it("redactText and redactDeep find a key anywhere, whole or cut short, in values and in keys", () => {
    const release = registerSecret(KEY);
    try {
      expect(redactText(`x-request-id: req_${KEY}`)).toBe("x-request-id: req_[redacted]");
      expect(redactText(`truncated ${KEY.slice(0, 24)}…`)).toBe("truncated [redacted]…");
      expect(redactText(encodeURIComponent(`a=${KEY}`))).not.toContain(KEY);
      const message = { result: { structuredContent: { fields: { [`body.${KEY}`]: [KEY, 1, null] } }, untouched: { a: 1 } } };
      const out = redactDeep(message);
      expect(JSON.stringify(out)).not.toContain(KEY.slice(0, 16));
      expect(out.result.untouched).toBe(message.result.untouched);
      const clean = { a: ["b"], c: { d: 1 } };
      expect(redactDeep(clean)).toBe(clean);
    } finally {
      release();
    }
    // Released: nothing is redacted any more.
    expect(redactText(KEY)).toBe(KEY);
  });

  it("counts holders, ignores short values, and wraps loggers", () => {
    const a = registerSecret(KEY);
    const b = registerSecret(KEY);
    expect(registerSecret("short")).toBeTypeOf("function");
    expect(redactText("a short word")).toBe("a short word");
    a();
    a(); // a second release of the same holder changes nothing
    expect(containsSecret(`x${KEY}`)).toBe(true);
    const lines: string[] = [];
    redactingLogger((l) => lines.push(l))(`auth failed for ${KEY}`);
    expect(lines).toEqual(["auth failed for [redacted]"]);
    b();
    expect(containsSecret(KEY)).toBe(false);
  });


  it("redactResponse: a key split across two chunks never leaves, and an SSE event is not held back", async () => {
    const release = registerSecret(KEY);
    try {
      const encoder = new TextEncoder();
      // The HTTP entry's answers are streams: a key may straddle two chunks (7 characters of it end the first).
      const event = `event: message\ndata: {"id":"req_${KEY.slice(0, 7)}`;
      const rest = `${KEY.slice(7)}"}\n\n`;
      let pull: ReadableStreamDefaultController<Uint8Array>;
      const source = new ReadableStream<Uint8Array>({ start: (c) => void (pull = c) });
      const out = redactResponse(new Response(source, { headers: { "content-length": "999", "content-type": "text/event-stream" } }));
      expect(out.headers.get("content-length")).toBeNull();
      const reader = out.body!.getReader();
      const decoder = new TextDecoder();
      pull!.enqueue(encoder.encode(event));
      // What could begin the key is held; the rest of the first chunk flows at once.
      const first = decoder.decode((await reader.read()).value);
      expect(event.startsWith(first)).toBe(true);
      expect(first).not.toContain(KEY.slice(0, 7));
      pull!.enqueue(encoder.encode(rest));
      // A whole event ends in a blank line, which never begins a key: it is not held back.
      const second = decoder.decode((await reader.read()).value);
      expect(second.endsWith("\n\n")).toBe(true);
      expect(first + second).toBe(`event: message\ndata: {"id":"req_[redacted]"}\n\n`);
      pull!.close();
      expect((await reader.read()).done).toBe(true);
    } finally {
      release();
    }
  });
});
