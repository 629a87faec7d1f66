// create_project against a real sandbox through a real MCP client: a project is made and named in the answer;
// an empty name is refused with the argument named.
import { describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-project-");

describe("create_project", () => {
  it("creates a project that get then finds", async () => {
    const p = await h.conn.call("create_project", { name: "Second", description: "for the test" });
    expect(p.isError, textOf(p)).toBeFalsy();
    const projectId = (p.structuredContent as { project: { id: string } }).project.id;
    const got = await h.conn.call("roughy_get", { kind: "project", id: projectId });
    expect(got.isError, textOf(got)).toBeFalsy();
    expect((got.structuredContent as { item: { name: string } }).item.name).toBe("Second");
  });

  it("an empty name is refused with the argument named", async () => {
    const noName = await h.conn.call("create_project", { name: "" });
    expect(noName.isError).toBe(true);
    expect(textOf(noName)).toContain("name");
  });
});
