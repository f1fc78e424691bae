import { createPipeline, findMarkerHashes } from "@headroom/core";
import { checkCompressor, createMapStore } from "@headroom/core/testing";
import { describe, expect, it } from "vitest";
import { crush } from "./crush.js";
import { headroomPlugin } from "./index.js";
import { parseXml, repeatedItems, xmlDetector } from "./xml.js";

/** A surefire-style JUnit report: 400 test cases, one failure, one error, one skipped. */
function report(): string {
  const cases = Array.from({ length: 400 }, (_, i) => {
    const head = `    <testcase name="testCase${i}" classname="com.acme.CartTest" time="0.0${i % 10}"`;
    if (i === 21) return `${head}>\n      <failure message="expected:&lt;3&gt; but was:&lt;4&gt;" type="org.opentest4j.AssertionFailedError">at com.acme.CartTest.testCase21(CartTest.java:88)</failure>\n    </testcase>`;
    if (i === 40) return `${head}>\n      <error message="Connection refused" type="java.net.ConnectException"><![CDATA[java.net.ConnectException: Connection refused]]></error>\n    </testcase>`;
    if (i === 50) return `${head}>\n      <skipped/>\n    </testcase>`;
    return `${head}/>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="com.acme.CartTest" tests="400" failures="1" errors="1" skipped="1">\n  <properties>\n    <property name="java.version" value="21"/>\n  </properties>\n${cases.join("\n")}\n</testsuite>\n`;
}

describe("XML reports", () => {
  it("parses well-formed XML and finds the repeated elements by structure", () => {
    const root = parseXml(report())!;
    expect(root.name).toBe("testsuite");
    const items = repeatedItems(root, 10);
    expect(items.length).toBe(400);
    expect(items[0]!.path).toBe("testsuite>testcase");
    expect(parseXml("<a><b></a></b>")).toBeNull();
    expect(parseXml("<a>")).toBeNull();
    expect(parseXml("not xml")).toBeNull();
  });

  it("keeps failures, errors and what the question names; the rest goes behind counting comments", () => {
    const text = report();
    const r = crush(text, { reversible: true, query: "why did testCase33 run so long?" })!;
    expect(r.transforms).toEqual(["smart-crusher:xml"]);
    expect(r.text).toContain("CartTest.java:88");
    expect(r.text).toContain("java.net.ConnectException: Connection refused");
    expect(r.text).toContain('name="testCase33"');
    expect(r.text).toContain('<property name="java.version" value="21"/>');
    expect(r.text).toMatch(/<!-- \d+ testcase omitted -->/);
    expect(r.text).toMatch(/<!-- \[\d+ of 400 testcase elements omitted, \d+ kept \(2 with a failure or error\)\. Retrieve more: hash=[a-f0-9]{24}\] -->\n$/);
    expect(findMarkerHashes(r.text)).toEqual([r.originals[0]!.key]);
    // Still well-formed, and much shorter.
    expect(parseXml(r.text)).not.toBeNull();
    expect(r.text.length).toBeLessThan(text.length / 2);
  });

  it("leaves XML alone without a store, and small or irregular XML always", () => {
    expect(crush(report())).toBeNull();
    expect(crush("<a><b/><c/></a>", { reversible: true })).toBeNull();
    expect(xmlDetector.detect("<a><b/><c/></a>", {})).toBeNull();
    expect(xmlDetector.detect(report(), {})?.kind).toBe("xml");
  });

  it("runs without the router: its detector routes the report to it", async () => {
    const p = createPipeline({ compressors: [headroomPlugin()], store: createMapStore(), minTokens: 0 });
    const r = await p.compressText(report());
    expect(r.units[0]!.kind).toBe("xml");
    expect(r.text).toContain("CartTest.java:88");
    expect(r.tokensAfter).toBeLessThan(r.tokensBefore / 2);
    const check = await checkCompressor(headroomPlugin(), [{ name: "junit", text: report(), expect: "compressed" }]);
    expect(check.problems).toEqual([]);
  });
});
