import { describe, expect, it } from "vitest";
import { isLoopbackHost, sameToken } from "./index.js";

describe("isLoopbackHost", () => {
  it("accepts loopback spellings and nothing else", () => {
    for (const h of ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [undefined, "", "0.0.0.0", "10.0.0.1", "128.0.0.1", "::ffff:10.0.0.1", "localhost.evil.com", "127.0.0.1.nip.io"])
      expect(isLoopbackHost(h), String(h)).toBe(false);
  });
});

describe("sameToken", () => {
  it("is true only for equal strings", () => {
    expect(sameToken("s3cret", "s3cret")).toBe(true);
    expect(sameToken("", "")).toBe(true);
    expect(sameToken("s3cret", "s3creT")).toBe(false);
    expect(sameToken("s3cret", "s3cret ")).toBe(false);
    expect(sameToken("s3cret", "")).toBe(false);
    // A prefix of the right token with NUL padding must not pass as equal.
    expect(sameToken("ab", "ab\u0000")).toBe(false);
  });
});
