import { describe, expect, it } from "vitest";
import { JobIdError, JobSealer, type SealedJobState } from "./sealed-job.js";

const SECRET = "sealed-job-unit-test-secret-0123456789";
const KEY = "sk_live_the_callers_roughy_key_123";

function state(over: Partial<SealedJobState> = {}): SealedJobState {
  return {
    asset_id: "5b0a4f39-8a3e-4f52-9b7e-2f8f2d1c0a11",
    cut_id: null,
    render_id: null,
    step: "prepare",
    exports: ["xmeml", "srt"],
    output: "mp4",
    frame_rate: null,
    script: "Hello and welcome. Today we talk about coffee.",
    created_at: new Date().toISOString(),
    ...over,
  };
}

async function refusal(promise: Promise<unknown>): Promise<JobIdError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(JobIdError);
  return error as JobIdError;
}

describe("sealed job ids", () => {
  const sealer = new JobSealer(SECRET);
  const owner = sealer.ownerOf(KEY);

  it("round-trips the state, script included, for the same owner on another instance", async () => {
    const sealed = state({ cut_id: "0b1c7a4e-1111-4222-8333-944455556666", step: "cut" });
    const id = await sealer.seal(sealed, owner);
    const other = new JobSealer(SECRET);
    expect(await other.open(id, other.ownerOf(KEY))).toEqual(sealed);
    expect(id).not.toContain("coffee");
    expect(id).not.toContain(KEY);
  });

  it("refuses another key's caller, an altered id, another secret's, garbage, and an expired one, each by name", async () => {
    const id = await sealer.seal(state(), owner);
    expect((await refusal(sealer.open(id, sealer.ownerOf("sk_live_someone_else")))).reason).toBe("other_owner");
    const flipped = id.slice(0, 40) + (id[40] === "A" ? "B" : "A") + id.slice(41);
    expect(["foreign", "malformed"]).toContain((await refusal(sealer.open(flipped, owner))).reason);
    const elsewhere = new JobSealer("a-different-deployment-secret-987654321");
    expect((await refusal(sealer.open(await elsewhere.seal(state(), owner), owner))).reason).toBe("foreign");
    expect((await refusal(sealer.open("rj1.not-a-jwe", owner))).reason).toBe("malformed");
    expect((await refusal(sealer.open("0b1c7a4e-1111-4222-8333-944455556666", owner))).reason).toBe("malformed");
    const old = await sealer.seal(state({ created_at: new Date(Date.now() - 8 * 86_400_000).toISOString() }), owner);
    const expired = await refusal(sealer.open(old, owner));
    expect(expired.reason).toBe("expired");
    expect(expired.message).toMatch(/^job_id_expired: .*roughy_wait kind=asset\|cut\|render/);
  });

  it("the owner is a keyed hash: stable per key and secret, never the key", () => {
    expect(sealer.ownerOf(KEY)).toBe(new JobSealer(SECRET).ownerOf(KEY));
    expect(sealer.ownerOf(KEY)).not.toBe(new JobSealer("a-different-deployment-secret-987654321").ownerOf(KEY));
    expect(sealer.ownerOf(KEY)).not.toContain(KEY.slice(8));
  });

  it("a script too long to carry is refused with what to do instead", async () => {
    const random = Array.from({ length: 20_000 }, () => Math.random().toString(36).slice(2, 4)).join(" ");
    await expect(sealer.seal(state({ script: random }), owner)).rejects.toThrow(/roughy_wait kind=asset/);
  });
});
