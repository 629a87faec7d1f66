// Every OAuth artefact this server hands out (client ids, the consent page's pending request, authorization
// codes, access and refresh tokens) is a JWE (dir + A256GCM, through `jose`) under one key derived from the
// server secret. Self-contained: any replica that holds the same secret can read any of them, so registered
// clients and issued tokens need no shared store. The Roughy key a user gave at consent travels inside the
// encrypted payload only; nobody without the secret can read it, and it is never sent back in clear.

import { hkdfSync, randomBytes, randomUUID } from "node:crypto";
import { EncryptJWT, jwtDecrypt } from "jose";

export type TokenKind = "client" | "request" | "code" | "access" | "refresh";

export type Sealed = Record<string, unknown> & { typ: TokenKind; jti: string; exp: number };

/** Shorter secrets are refused: the key derived from them must not be guessable. */
export const MIN_SECRET_CHARS = 32;

export class TokenSealer {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_CHARS) throw new Error(`ROUGHY_OAUTH_SECRET must be at least ${MIN_SECRET_CHARS} characters`);
    // A derived key, so that the secret itself can be any string and is never used as a cipher key directly.
    this.key = new Uint8Array(hkdfSync("sha256", secret, "roughy-mcp", "oauth tokens v1", 32));
  }

  /** A fresh random secret for a single instance (tokens die with the process). */
  static generateSecret(): string {
    return randomBytes(32).toString("base64url");
  }

  async seal(kind: TokenKind, claims: Record<string, unknown>, ttlSeconds: number): Promise<string> {
    return new EncryptJWT({ ...claims, typ: kind })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .encrypt(this.key);
  }

  /** The payload when `token` is a live artefact of `kind` sealed by this secret, else null. */
  async open(token: string, kind: TokenKind): Promise<Sealed | null> {
    try {
      const { payload } = await jwtDecrypt(token, this.key, { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
      if (payload.typ !== kind || typeof payload.jti !== "string" || typeof payload.exp !== "number") return null;
      return payload as Sealed;
    } catch {
      return null;
    }
  }
}

/** Whether a bearer value has the shape of one of our tokens (a compact JWE: five dot-separated parts). */
export function looksSealed(value: string): boolean {
  return value.split(".").length === 5;
}
