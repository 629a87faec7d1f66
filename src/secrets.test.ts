// The redactor by value: whole secrets, cut-short ones, encoded ones, in values and in object keys; untouched
// parts keep their identity; a released secret is no longer redacted.
import { describe, expect, it } from "vitest";
import { containsSecret, redactDeep, redactText, redactingLogger, registerSecret } from "./secrets.js";

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

});
