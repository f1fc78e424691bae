import { describe, expect, it } from "vitest";
import { fromValue, toValue, type JObj } from "./ast.js";
import { crush } from "./crush.js";
import { cutText, skeleton, slimObject } from "./slim.js";

const count = (t: string) => Math.ceil(t.length / 4);
const slim = (v: Record<string, unknown>) => toValue(slimObject(fromValue(v) as JObj));

describe("slimObject", () => {
  it("drops derivable links and opaque ids, keeps identity and html links", () => {
    const user = {
      login: "octo",
      id: 42,
      node_id: "MDQ6VXNlcjQy",
      avatar_url: "https://avatars.example.com/u/42?v=4",
      gravatar_id: "",
      url: "https://api.example.com/users/octo",
      html_url: "https://example.com/octo",
      followers_url: "https://api.example.com/users/octo/followers",
      gists_url: "https://api.example.com/users/octo/gists{/gist_id}",
      type: "User",
    };
    expect(slim(user)).toEqual({ login: "octo", id: 42, html_url: "https://example.com/octo", type: "User" });
  });

  it("drops renderings of a sibling field and relative api links beside a name", () => {
    expect(slim({ body: "hi", body_html: "<p>hi</p>", body_text: "hi" })).toEqual({ body: "hi" });
    expect(slim({ name: "static", url: "/api/v2/ability/9/" })).toEqual({ name: "static" });
    // Nothing but a link: it stays, or the object would mean nothing.
    expect(slim({ url: "/api/v2/ability/9/" })).toEqual({ url: "/api/v2/ability/9/" });
  });
});

describe("cutText and skeleton", () => {
  it("cuts to a substantial first line or a word boundary, saying how much went", () => {
    expect(cutText("Merge pull request #1 from a/b\n\nlong body ".repeat(20), 120)).toBe(`Merge pull request #1 from a/b… (+${"Merge pull request #1 from a/b\n\nlong body ".repeat(20).length - 30} chars)`);
    const s = "word ".repeat(100);
    expect(cutText(s, 50)).toMatch(/^(word ){9}word… \(\+\d+ chars\)$/);
  });

  it("keeps top-level scalars and identifying nested fields only", () => {
    const item = fromValue({ id: 1, title: "t", labels: [{ name: "bug" }], move: { name: "volt-tackle", power: 90 }, body: "x".repeat(200) });
    expect(toValue(skeleton(item)!)).toEqual({ id: 1, title: "t", move: { name: "volt-tackle" } });
  });
});

describe("lossy slimming in crush", () => {
  it("keeps every item of a long array, slimmed, when that fits; the original is stored", () => {
    const items = Array.from({ length: 120 }, (_, i) => ({
      id: i,
      node_id: `NODE${i}xxxxxxxxxxxxxxxx`,
      title: `Issue number ${i}`,
      url: `https://api.example.com/repos/o/r/issues/${i}`,
      comments_url: `https://api.example.com/repos/o/r/issues/${i}/comments`,
      events_url: `https://api.example.com/repos/o/r/issues/${i}/events`,
      labels_url: `https://api.example.com/repos/o/r/issues/${i}/labels{/name}`,
      body: `Some long description of issue ${i}. `.repeat(30),
    }));
    const text = JSON.stringify(items);
    const r = crush(text, { count, reversible: true })!;
    expect(r.lossless).toBe(false);
    for (let i = 0; i < 120; i++) expect(r.text).toContain(`Issue number ${i}`);
    // The items no longer carry node_id; the marker names it among the dropped fields.
    const [body, ...notes] = r.text.split("\n[");
    expect(body).not.toContain("node_id");
    expect(notes.join("\n")).toMatch(/fields .*node_id.* dropped from 120 objects/);
    expect(r.originals[0]!.content).toBe(text);
    expect(r.text.length).toBeLessThan(text.length * 0.2);
  });
});
