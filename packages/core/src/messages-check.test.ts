import { describe, expect, it } from "vitest";
import { isMessageList } from "./adapters.js";

describe("isMessageList", () => {
  it("accepts chat messages and Responses items", () => {
    expect(isMessageList([{ role: "user", content: "hi" }, { role: "assistant", content: "yo" }])).toBe(true);
    expect(isMessageList([{ type: "message", role: "user", content: [] }, { type: "function_call_output", call_id: "c", output: "x" }])).toBe(true);
  });
  it("rejects arrays of objects that merely have a type field (GitHub events, k8s events)", () => {
    expect(isMessageList([{ id: "1", type: "PushEvent", actor: {} }, { id: "2", type: "IssueCommentEvent" }])).toBe(false);
    expect(isMessageList([{ type: "Warning", reason: "BackOff" }])).toBe(false);
    expect(isMessageList([{ role: "admin", name: "x" }])).toBe(false);
    expect(isMessageList([])).toBe(false);
    expect(isMessageList({ role: "user" })).toBe(false);
  });
});
