import { describe, expect, it } from "vitest";
import { apiLike } from "./api-promise.js";

describe("apiLike", () => {
  it("resolves to the data, and gives the response on request", async () => {
    const response = new Response("{}", { status: 201 });
    const p = apiLike(Promise.resolve({ data: { id: 7 }, response, request_id: "req_1" }));
    expect(await p).toEqual({ id: 7 });
    expect((await p.withResponse()).request_id).toBe("req_1");
    expect((await p.asResponse()).status).toBe(201);
  });

  it("rejects through the branch awaited, without unhandled rejections on the others", async () => {
    const p = apiLike<unknown>(Promise.reject(new Error("upstream 500")));
    await expect(p).rejects.toThrow("upstream 500");
    await expect(p.withResponse()).rejects.toThrow("upstream 500");
  });
});
