import { describe, expect, it } from "vitest";
import { z } from "zod";
import { lenientArgs } from "./lenient-args.js";

describe("lenientArgs", () => {
  const shape = { id: z.string(), limit: z.number().optional(), note: z.string().nullable().optional() };

  it("drops undeclared arguments and says which", () => {
    expect(lenientArgs({ id: "a", wait_for_previous: true }, shape)).toEqual({ args: { id: "a" }, ignored: ["wait_for_previous"] });
  });

  it("reads null for an optional argument as absent, and keeps null where the schema allows it or requires a value", () => {
    expect(lenientArgs({ id: "a", limit: null }, shape).args).toEqual({ id: "a" });
    expect(lenientArgs({ id: "a", note: null }, shape).args).toEqual({ id: "a", note: null });
    expect(lenientArgs({ id: null }, shape).args).toEqual({ id: null });
  });
});
