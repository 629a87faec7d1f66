// create_webhook against a real sandbox through a real MCP client: a webhook with its signing secret, listed
// afterwards; a URL that is not http(s) and an unknown event are named.
import { describe, expect, it } from "vitest";
import { textOf } from "../../test/helpers/mcp-harness.js";
import { useToolHarness } from "../../test/helpers/tool-harness.js";

const h = useToolHarness("roughy-mcp-webhook-");

describe("create_webhook", () => {
  it("registers a webhook with its secret, and list shows it", async () => {
    const w = await h.conn.call("create_webhook", { url: "http://127.0.0.1:9/hook", events: ["cut.completed"] });
    expect(w.isError, textOf(w)).toBeFalsy();
    const hook = w.structuredContent as { webhook: { id: string }; secret: string | null };
    expect(hook.secret).toBeTruthy();
    const listed = await h.conn.call("roughy_list", { kind: "webhooks" });
    expect((listed.structuredContent as { items: { id: string }[] }).items.map((i) => i.id)).toContain(hook.webhook.id);
  });

  it("a URL that is not http(s) and an unknown event are named", async () => {
    const badUrl = await h.conn.call("create_webhook", { url: "ftp://example.com/x", events: ["cut.completed"] });
    expect(textOf(badUrl)).toContain("url: must be an http(s) URL");
    const badEvent = await h.conn.call("create_webhook", { url: "http://127.0.0.1:9/x", events: ["cut.done"] });
    expect(textOf(badEvent)).toContain("events.0 must be one of");
  });
});
