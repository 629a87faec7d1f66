// What an agent reads when something goes wrong: each API error code maps to a message that names the code,
// the ids involved, the request id and the next step; server-side failures stay generic.
import { describe, expect, it } from "vitest";
import { ConflictError, ConnectionError, RoughyError, ServerError, ValidationError } from "../client/errors.js";
import { describeError, describeInputIssues } from "./describe-error.js";
import { ToolError } from "../vocabulary/errors.js";
import { z } from "zod";

const CUT = "3f2b8c1e-9a4d-4e5f-8b6a-1c2d3e4f5a6b";
const conflict = (code: RoughyError["code"], retryAfter: number | null = null) =>
  new ConflictError({ status: 409, code, message: "state", requestId: "req_1", retryAfter });

describe("describeError", () => {
  it("state codes say what to do next, with the request id", () => {
    const processing = describeError(conflict("asset_processing", 7), { asset_id: CUT });
    expect(processing.message).toContain("Retry after 7 s");
    expect(processing.message).toContain("roughy_wait with kind=asset");
    expect(processing.message).toContain("request id req_1");
    expect(processing.internal).toBe(false);
    expect(describeError(conflict("cut_not_proposed"), { cut_id: CUT }).message).toContain("roughy_wait with kind=cut");
    expect(describeError(conflict("modifier_not_ready", 2), { cut_id: CUT }).message).toContain("Retry after 2 s");
    expect(describeError(conflict("asset_failed"), { asset_id: CUT }).message).toContain("upload_media");
    const pay = describeError(conflict("asset_payment_required"), { asset_id: CUT }, { balance: 0, cost: 3 });
    expect(pay.message).toContain("it costs 3 credit(s); the balance is 0");
  });

  it("validation errors list the fields without their body. prefix", () => {
    const e = new ValidationError({ status: 422, code: "validation_error", message: "bad", fields: [{ field: "body.script", message: "too long" }], requestId: "r" });
    expect(describeError(e, {}).message).toContain("script: too long");
  });

  it("frame_rate_required asks for frame_rate", () => {
    const e = new ValidationError({ status: 422, code: "frame_rate_required", message: "x" });
    expect(describeError(e, { cut_id: CUT }).message).toContain("frame_rate");
  });

  it("server and connection failures are generic, internal and carry the request id", () => {
    const server = describeError(new ServerError({ status: 500, code: "internal_error", message: "Traceback: boom", requestId: "req_9" }), {});
    expect(server.internal).toBe(true);
    expect(server.message).toContain("req_9");
    expect(server.message).not.toContain("Traceback");
    const conn = describeError(new ConnectionError({ message: "connect ECONNREFUSED 127.0.0.1:9", maybeProcessed: false }), {});
    expect(conn.internal).toBe(true);
    expect(conn.message).not.toContain("ECONNREFUSED");
  });

  it("tool errors pass through; unknown errors do not leak their text", () => {
    expect(describeError(new ToolError("do X"), {}).message).toBe("do X");
    const unknown = describeError(new TypeError("Cannot read properties of undefined (reading 'x')"), {});
    expect(unknown.internal).toBe(true);
    expect(unknown.message).not.toContain("undefined");
  });
});

describe("describeInputIssues", () => {
  it("names missing, wrong-type and enum arguments", () => {
    const schema = z.object({ cut_id: z.string(), format: z.enum(["edl", "srt"]), n: z.number().optional() }).strict();
    const input = { format: "pdf", n: "3", extra: 1 };
    const r = schema.safeParse(input);
    expect(r.success).toBe(false);
    const text = describeInputIssues(r.error!.issues, input, ["cut_id", "format", "n"]);
    expect(text).toContain("cut_id is required");
    expect(text).toContain("format must be one of edl, srt");
    expect(text).toContain('n: ');
    expect(text).toContain("unknown argument extra");
  });
});
