// Signed, expiring download URLs. The contract says a render's (and an asset's) `download_url` is short-lived
// and fetched without a bearer key, so the URL itself must carry the authorisation: an HMAC over the path and
// its expiry, checked in constant time. Anyone holding the URL may fetch it until it expires, and no one can
// move the expiry or point the signature at another path.
import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureCheck = "ok" | "expired" | "bad";

function sign(path: string, expires: number, secret: string | Uint8Array): string {
  // A newline cannot occur in a URL path, so "path\nexpires" is unambiguous.
  return createHmac("sha256", secret).update(`${path}\n${expires}`).digest("base64url");
}

/** `path?expires=<unix seconds>&signature=<base64url>`; `path` is the bare path, without a query. */
export function signPath(path: string, secret: string | Uint8Array, expiresAt: Date): string {
  if (path.includes("?") || path.includes("#")) throw new Error("signPath takes a path without query or fragment");
  // Sign the path as a server will see it again (percent-encoded, dot segments resolved).
  const canonical = new URL(path, "http://signed.invalid").pathname;
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${canonical}?expires=${expires}&signature=${sign(canonical, expires, secret)}`;
}

/**
 * Checks a signed path as received (`req.url`, or a full URL). The query must hold exactly `expires` and
 * `signature`: extra parameters are refused, so that nothing unsigned rides along. "expired" is only answered
 * for a genuine signature, so a forger learns nothing from the distinction.
 */
export function verifySignedPath(pathWithQuery: string, secret: string | Uint8Array, now: Date = new Date()): SignatureCheck {
  let url: URL;
  try {
    url = new URL(pathWithQuery, "http://signed.invalid");
  } catch {
    return "bad";
  }
  const params = [...url.searchParams.keys()];
  if (params.length !== 2) return "bad";
  const expiresRaw = url.searchParams.get("expires");
  const signature = url.searchParams.get("signature");
  if (expiresRaw === null || signature === null || !/^\d{1,12}$/.test(expiresRaw)) return "bad";
  const expires = Number(expiresRaw);
  const expected = Buffer.from(sign(url.pathname, expires, secret), "utf8");
  const given = Buffer.from(signature, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "bad";
  if (Math.floor(now.getTime() / 1000) >= expires) return "expired";
  return "ok";
}
