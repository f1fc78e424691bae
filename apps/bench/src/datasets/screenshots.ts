/**
 * Real screenshots for the image suite: corpus text rendered as HTML pages, a terminal capture of a
 * corpus log and a dashboard-like page, rendered by headless Chromium (Debian `chromium`, driven by
 * playwright-core) at several device sizes; plus photo-like images (fractal noise drawn on a canvas by
 * Chromium, labelled synthetic) and sharp-generated edge cases.
 */
import { chromium, type Browser } from "playwright-core";
import type { CorpusCase } from "../corpus.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A device the pages are rendered for. */
export interface Device {
  name: string;
  width: number;
  height: number;
  scale: number;
}
export const DEVICES: Device[] = [
  { name: "desktop 1280×800 @1x", width: 1280, height: 800, scale: 1 },
  { name: "laptop 1440×900 @2x", width: 1440, height: 900, scale: 2 },
  { name: "phone 390×844 @3x", width: 390, height: 844, scale: 3 },
];

/** A rendered screenshot. */
export interface Shot {
  name: string;
  kind: "screenshot" | "photo";
  device: string;
  png: Buffer;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A documentation page of a corpus text case (headings, paragraphs, code blocks as they come). */
export function docPage(c: CorpusCase, chars = 4000): string {
  const text = (c.content ?? "").slice(0, chars);
  const blocks = text.split(/\n{2,}/).map((b) => (/^#+\s/.test(b) ? `<h2>${esc(b.replace(/^#+\s*/, ""))}</h2>` : /^( {4}|\t|```)/m.test(b) ? `<pre>${esc(b)}</pre>` : `<p>${esc(b)}</p>`));
  return `<html><body style="margin:24px 40px;font:15px/1.5 'DejaVu Sans',sans-serif;color:#1f2328;background:#fff"><div style="color:#59636e;font-size:13px">docs / ${esc(c.id)}</div>${blocks.join("")}</body></html>`.replace(/<pre>/g, "<pre style=\"background:#f6f8fa;padding:10px;font:13px 'DejaVu Sans Mono',monospace;white-space:pre-wrap\">");
}

/** A terminal window showing a corpus log. */
export function terminalPage(c: CorpusCase, lines = 60): string {
  const text = (c.content ?? "").split("\n").slice(0, lines).join("\n");
  return `<html><body style="margin:0;background:#1e1e1e"><div style="background:#323233;color:#ccc;font:12px sans-serif;padding:6px 12px">user@host: ~/logs — tail -n ${lines} ${esc(c.id)}.log</div><pre style="margin:0;padding:8px 12px;color:#d4d4d4;font:13px/1.35 'DejaVu Sans Mono',monospace;white-space:pre-wrap;word-break:break-all">${esc(text)}</pre></body></html>`;
}

/** A dashboard: header, metric cards, a table of services with status colours. */
export function dashboardPage(): string {
  const svc = ["api-gateway", "auth-service", "billing-worker", "search-indexer", "notifications", "media-transcoder", "ledger-sync", "edge-cache", "scheduler", "audit-log", "reports", "webhooks"];
  const rows = svc.map((s, i) => `<tr><td>${s}</td><td style="color:${i % 5 === 3 ? "#cf222e" : "#1a7f37"}">${i % 5 === 3 ? "degraded" : "healthy"}</td><td>${(97 + ((i * 37) % 30) / 10).toFixed(2)}%</td><td>${120 + ((i * 53) % 400)} ms</td><td>v2.${i}.${(i * 7) % 10}</td><td>us-east-${(i % 3) + 1}</td></tr>`).join("");
  const cards = [["Requests / min", "48,213"], ["Error rate", "0.42%"], ["p95 latency", "311 ms"], ["Active users", "12,904"]].map(([k, v]) => `<div style="flex:1;border:1px solid #d0d7de;border-radius:6px;padding:12px"><div style="color:#59636e;font-size:12px">${k}</div><div style="font-size:24px;font-weight:600">${v}</div></div>`).join("");
  return `<html><body style="margin:0;font:13px 'DejaVu Sans',sans-serif;color:#1f2328"><div style="background:#24292f;color:#fff;padding:10px 20px;font-weight:600">Operations dashboard — production</div><div style="padding:16px 20px"><div style="display:flex;gap:12px">${cards}</div><table style="margin-top:16px;border-collapse:collapse;width:100%" cellpadding="6"><tr style="text-align:left;background:#f6f8fa"><th>Service</th><th>Status</th><th>Uptime</th><th>p95</th><th>Version</th><th>Region</th></tr>${rows}</table></div></body></html>`;
}

/** Photo-like image: multi-octave value noise with a sky gradient, drawn on a canvas (synthetic). */
export function photoPage(seed: number, w: number, h: number): string {
  return `<html><body style="margin:0"><canvas id="c" width="${w}" height="${h}"></canvas><script>
  let s=${seed};const rnd=()=>((s=(s*1103515245+12345)%2147483648)/2147483648);
  const c=document.getElementById('c').getContext('2d');const img=c.createImageData(${w},${h});
  const G=[];for(let o=0;o<6;o++){const n=4<<o;const g=[];for(let i=0;i<(n+1)*(n+1);i++)g.push(rnd());G.push([n,g]);}
  const val=(x,y)=>{let v=0,a=0.5;for(const[n,g]of G){const fx=x*n,fy=y*n,ix=Math.floor(fx),iy=Math.floor(fy),tx=fx-ix,ty=fy-iy;const q=(i,j)=>g[Math.min(n,iy+j)*(n+1)+Math.min(n,ix+i)];v+=a*((q(0,0)*(1-tx)+q(1,0)*tx)*(1-ty)+(q(0,1)*(1-tx)+q(1,1)*tx)*ty);a/=2;}return v;};
  for(let y=0;y<${h};y++)for(let x=0;x<${w};x++){const v=val(x/${w},y/${h});const k=(y*${w}+x)*4;const sky=y<${h}*0.4;img.data[k]=sky?90+v*80:40+v*140;img.data[k+1]=sky?140+v*70:80+v*120;img.data[k+2]=sky?200+v*50:30+v*60;img.data[k+3]=255;}
  c.putImageData(img,0,0);</script></body></html>`;
}

/**
 * Starts Chromium with the flags of DESIGN.md. playwright's `launch` gives every run a fresh temporary
 * profile itself (it refuses a `--user-data-dir` flag), which is the fresh profile DESIGN.md asks for.
 */
export async function launch(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  return { browser, close: () => browser.close() };
}

/** Renders `html` at a device size; viewport screenshots (what a browser tool captures). */
export async function render(browser: Browser, html: string, d: Device): Promise<Buffer> {
  const ctx = await browser.newContext({ viewport: { width: d.width, height: d.height }, deviceScaleFactor: d.scale });
  const page = await ctx.newPage();
  await page.setContent(html, { waitUntil: "load" });
  const png = await page.screenshot({ type: "png" });
  await ctx.close();
  return png;
}
