import { describe, expect, it } from "vitest";
import { nextStepOf, withNextStepData } from "./next-step.js";

describe("next_step in structuredContent", () => {
  it("is what follows the summary's last 'Next: ', else the last sentence of its last line", () => {
    expect(nextStepOf("Created cut c1, completed. Next: export_cut with cut_id=c1.")).toBe("export_cut with cut_id=c1.");
    expect(nextStepOf("projects 1-2 of 5:\n- a\n- b\n3 more, call with offset=2.")).toBe("3 more, call with offset=2.");
  });

  it("keeps a next_step the handler set", () => {
    expect(withNextStepData({ next_step: "own" }, "Next: other")).toEqual({ next_step: "own" });
    expect(withNextStepData({ id: "x" }, "Done. Next: roughy_wait.")).toEqual({ id: "x", next_step: "roughy_wait." });
  });
});
