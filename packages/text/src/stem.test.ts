import { describe, expect, it } from "vitest";
import { stem, stemLoose } from "./index.js";

describe("stem and stemLoose", () => {
  it("stem keeps identifier-like words apart, stemLoose lets running-prose forms meet", () => {
    expect(stem("replicated")).toBe("replicat");
    expect(stem("config")).not.toBe(stem("configuration"));
    expect(stemLoose("config")).toBe(stemLoose("configuration"));
    expect(stemLoose("compressed")).toBe(stemLoose("compression"));
    expect(stemLoose("settings")).toBe(stemLoose("setting"));
  });

  it("stemLoose leaves anything but lower-case letters alone, and never shortens below three letters", () => {
    expect(stemLoose("HTTP2")).toBe("HTTP2");
    expect(stemLoose("x_y")).toBe("x_y");
    expect(stemLoose("is")).toBe("is");
    expect(stemLoose("ones")).toBe("ones");
  });
});
