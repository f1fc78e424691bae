import { findMarkerHashes } from "@headroom/core";
import { describe, expect, it } from "vitest";
import { crush } from "./crush.js";

const count = (t: string) => Math.ceil(t.length / 4);

describe("document marker text", () => {
  it("says which fields slimming dropped instead of `0 items compressed to 0`", () => {
    // Five objects (under minItems: no array is thinned) whose node_id/gravatar_id fields slimming drops.
    const users = Array.from({ length: 5 }, (_, i) => ({
      login: `user${i}`,
      id: 1000 + i,
      node_id: `MDQ6VXNlcj${"x".repeat(20)}${i}`,
      gravatar_id: `g${"0".repeat(30)}${i}`,
      type: "User",
      bio: `Developer number ${i} working on distributed systems, compilers and the occasional side project.`,
    }));
    const r = crush(JSON.stringify({ users }, null, 2), { count, reversible: true });
    expect(r).not.toBeNull();
    const last = r!.text.split("\n").pop()!;
    expect(findMarkerHashes(last)).toHaveLength(1);
    expect(last).not.toMatch(/\b0 items compressed to 0\b/);
    expect(last).toMatch(/^\[fields gravatar_id, node_id dropped from 5 objects\. Retrieve more: hash=[a-f0-9]{24}\]$/);
  });
});
