// The id of a cut_to_script job run by a remote (HTTP) server. Such a server keeps nothing between requests,
// and any replica may answer the next one, so the id itself carries the job: the asset, cut and render ids, the
// step, what was asked (exports, output, frame rate, and the script until the cut exists), sealed as a JWE
// (dir + A256GCM, through `jose`) under a key derived from the server secret. Anyone holding the id can pass
// it back; nobody without the secret can read or alter it. The id is bound to the Roughy key that made it by a
// keyed hash of that key (never the key itself), so another key's caller gets a refusal, not the job.

import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { EncryptJWT, errors as joseErrors, jwtDecrypt } from "jose";
import { ToolError } from "../vocabulary/errors.js";

/** Every sealed job id starts with this, so a local job's UUID and a remote job's id are told apart at once. */
export const SEALED_JOB_PREFIX = "rj1.";
/** How long a job id stays valid: long enough for a render to finish while the agent does other things. */
export const SEALED_JOB_TTL_SECONDS = 7 * 24 * 3600;
/** An id longer than this is refused before any work: the script it may carry is bounded too (MAX_SEALED_SCRIPT). */
export const MAX_SEALED_JOB_ID = 20_000;
/** Deflated script bytes an id may carry (until the cut exists, when it is dropped). */
const MAX_SEALED_SCRIPT = 12_000;

export type SealedStep = "prepare" | "cut" | "render" | "done" | "canceled";

export type SealedJobState = {
  asset_id: string;
  cut_id: string | null;
  render_id: string | null;
  step: SealedStep;
  exports: string[];
  output: string;
  frame_rate: number | null;
  /** Until the cut exists: the script to cut to (null for a scriptless cut). */
  script: string | null;
  created_at: string;
};

export type JobIdProblem = "malformed" | "foreign" | "expired" | "other_owner";

/** A job id this server will not answer for, and why: the message says what to do instead. */
export class JobIdError extends ToolError {
  constructor(
    readonly reason: JobIdProblem,
    message: string,
  ) {
    super(message);
    this.name = "JobIdError";
  }
}

export class ScriptTooLongToCarry extends ToolError {}

export function isSealedJobId(id: string): boolean {
  return id.startsWith(SEALED_JOB_PREFIX);
}

const WHY: Record<JobIdProblem, string> = {
  malformed: "is not a cut_to_script job id (it is cut short or altered)",
  foreign: "was not made by this server: it is altered, or sealed under another server secret (ROUGHY_OAUTH_SECRET)",
  expired: `has expired (job ids last ${SEALED_JOB_TTL_SECONDS / 86_400} days)`,
  other_owner: "belongs to another Roughy key; only the key that started a job can read or cancel it",
};

function refuse(reason: JobIdProblem, id: string): JobIdError {
  const shown = id.length > 24 ? `${id.slice(0, 16)}...` : id;
  return new JobIdError(
    reason,
    `job_id_${reason}: the job id "${shown}" ${WHY[reason]}. Use the asset_id, cut_id or render_id its answers reported with roughy_wait kind=asset|cut|render, or start again with cut_to_script.`,
  );
}

export class JobSealer {
  private readonly key: Uint8Array;
  private readonly ownerKey: Uint8Array;

  constructor(secret: string) {
    // Keys of their own, derived from the server secret: a job id is never an OAuth token, nor the reverse.
    this.key = new Uint8Array(hkdfSync("sha256", secret, "roughy-mcp", "cut_to_script job ids v1", 32));
    this.ownerKey = new Uint8Array(hkdfSync("sha256", secret, "roughy-mcp", "job owner v1", 32));
  }

  /** Who a Roughy key is, for binding a job to it: a keyed hash, so the id never holds the key. */
  ownerOf(roughyKey: string): string {
    return createHmac("sha256", this.ownerKey).update(roughyKey, "utf8").digest("base64url");
  }

  async seal(state: SealedJobState, owner: string): Promise<string> {
    let script: string | null = null;
    if (state.script !== null) {
      const packed = deflateRawSync(Buffer.from(state.script, "utf8")).toString("base64url");
      if (packed.length > MAX_SEALED_SCRIPT) {
        throw new ScriptTooLongToCarry(
          "script: too long to carry in a remote job id while the asset is still preparing. Wait until the asset is ready (roughy_wait kind=asset), then call cut_to_script again: the cut is made at once and the id no longer needs the script.",
        );
      }
      script = packed;
    }
    const { script: _dropped, ...rest } = state;
    const jwe = await new EncryptJWT({ ...rest, script, own: owner, typ: "cut_to_script" })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.parse(state.created_at) / 1000) + SEALED_JOB_TTL_SECONDS)
      .encrypt(this.key);
    return SEALED_JOB_PREFIX + jwe;
  }

  /** The job in `id`, when this server sealed it for `owner` and it has not expired; else a JobIdError. */
  async open(id: string, owner: string): Promise<SealedJobState> {
    if (!isSealedJobId(id) || id.length > MAX_SEALED_JOB_ID) throw refuse("malformed", id);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtDecrypt(id.slice(SEALED_JOB_PREFIX.length), this.key, { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw refuse("expired", id);
      if (error instanceof joseErrors.JWEDecryptionFailed) throw refuse("foreign", id);
      throw refuse("malformed", id);
    }
    if (payload.typ !== "cut_to_script" || typeof payload.own !== "string" || typeof payload.asset_id !== "string") throw refuse("malformed", id);
    const mine = Buffer.from(owner);
    const theirs = Buffer.from(payload.own);
    if (mine.length !== theirs.length || !timingSafeEqual(mine, theirs)) throw refuse("other_owner", id);
    const str = (v: unknown) => (typeof v === "string" ? v : null);
    return {
      asset_id: payload.asset_id,
      cut_id: str(payload.cut_id),
      render_id: str(payload.render_id),
      step: (str(payload.step) ?? "prepare") as SealedStep,
      exports: Array.isArray(payload.exports) ? payload.exports.filter((e): e is string => typeof e === "string") : [],
      output: str(payload.output) ?? "none",
      frame_rate: typeof payload.frame_rate === "number" ? payload.frame_rate : null,
      script: typeof payload.script === "string" ? inflateRawSync(Buffer.from(payload.script, "base64url")).toString("utf8") : null,
      created_at: str(payload.created_at) ?? new Date().toISOString(),
    };
  }
}

/** What a remote server hands each call: the sealer and who the caller's key is. */
export type RemoteJobs = { sealer: JobSealer; owner: string };
