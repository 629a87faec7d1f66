import { describe, expect, it } from "vitest";
import { paginate } from "./paginate.js";

describe("paginate", () => {
  it("walks every page and stops at total", async () => {
    const all = Array.from({ length: 7 }, (_, i) => ({ id: `i${i}` }));
    const calls: number[] = [];
    const out: string[] = [];
    for await (const item of paginate(
      async ({ limit, offset }) => {
        calls.push(offset);
        return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
      },
      { pageSize: 3 },
    )) out.push(item.id);
    expect(out).toEqual(all.map((a) => a.id));
    expect(calls).toEqual([0, 3, 6]);
  });
  it("skips an item pushed onto the next page by a newer one", async () => {
    const pages = [
      { items: [{ id: "c" }, { id: "b" }], total: 3 },
      { items: [{ id: "b" }, { id: "a" }], total: 4 },
      { items: [], total: 4 },
    ];
    const out: string[] = [];
    let n = 0;
    for await (const item of paginate(async ({ limit, offset }) => ({ ...pages[n++]!, limit, offset }), { pageSize: 2 })) {
      out.push(item.id);
    }
    expect(out).toEqual(["c", "b", "a"]);
  });
});
