import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signPath, verifySignedPath } from "./signing.js";

const SECRET = "sandbox-signing-secret";
const now = new Date("2025-01-01T00:00:00Z");
const inFiveMinutes = new Date(now.getTime() + 300_000);

describe("signPath / verifySignedPath", () => {
  it("produces path?expires=<unix>&signature=<b64url> that verifies", () => {
    const signed = signPath("/v1/renders/abc/download", SECRET, inFiveMinutes);
    const m = /^\/v1\/renders\/abc\/download\?expires=(\d+)&signature=([A-Za-z0-9_-]+)$/.exec(signed);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(Math.floor(inFiveMinutes.getTime() / 1000));
    // The signature is an HMAC-SHA256 over path and expiry, independently recomputed here.
    const expected = createHmac("sha256", SECRET).update(`/v1/renders/abc/download\n${m![1]}`).digest("base64url");
    expect(m![2]).toBe(expected);
    expect(verifySignedPath(signed, SECRET, now)).toBe("ok");
    expect(verifySignedPath(`http://127.0.0.1:1234${signed}`, SECRET, now)).toBe("ok");
  });

  it("answers expired at and after the expiry, ok just before", () => {
    const signed = signPath("/f", SECRET, inFiveMinutes);
    expect(verifySignedPath(signed, SECRET, new Date(inFiveMinutes.getTime() - 1000))).toBe("ok");
    expect(verifySignedPath(signed, SECRET, inFiveMinutes)).toBe("expired");
    expect(verifySignedPath(signed, SECRET, new Date(inFiveMinutes.getTime() + 86_400_000))).toBe("expired");
  });

  it("refuses a tampered path, expiry or signature", () => {
    const signed = signPath("/v1/renders/abc/download", SECRET, inFiveMinutes);
    expect(verifySignedPath(signed.replace("abc", "abd"), SECRET, now)).toBe("bad");
    // Moving the expiry later breaks the signature (and an expired-but-forged URL is "bad", not "expired").
    const later = signed.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 3600}`);
    expect(verifySignedPath(later, SECRET, now)).toBe("bad");
    const earlier = signed.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) - 3600}`);
    expect(verifySignedPath(earlier, SECRET, now)).toBe("bad");
    const sig = /signature=([^&]+)/.exec(signed)![1]!;
    const flipped = sig.slice(0, -1) + (sig.endsWith("A") ? "B" : "A");
    expect(verifySignedPath(signed.replace(sig, flipped), SECRET, now)).toBe("bad");
    expect(verifySignedPath(signed.replace(sig, sig.slice(0, 10)), SECRET, now)).toBe("bad");
  });

  it("refuses a wrong secret, missing or extra parameters", () => {
    const signed = signPath("/f", SECRET, inFiveMinutes);
    expect(verifySignedPath(signed, "another-secret", now)).toBe("bad");
    expect(verifySignedPath("/f", SECRET, now)).toBe("bad");
    expect(verifySignedPath(signed.replace(/&signature=.*/, ""), SECRET, now)).toBe("bad");
    expect(verifySignedPath(`${signed}&x=1`, SECRET, now)).toBe("bad");
    expect(verifySignedPath(signed.replace(/expires=\d+/, "expires=abc"), SECRET, now)).toBe("bad");
  });

  it("accepts a Buffer secret and refuses a path with a query", () => {
    const key = Buffer.from("0123456789abcdef0123456789abcdef");
    expect(verifySignedPath(signPath("/g", key, inFiveMinutes), key, now)).toBe("ok");
    expect(() => signPath("/g?x=1", key, inFiveMinutes)).toThrow();
  });
});
