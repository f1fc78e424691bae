import type { MessageFormat } from "@headroom/core";
import type { RetrieveCall } from "../retrieval.js";
import type { SseEvent } from "../sse.js";

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** What a finished round of a response asks for. */
export type RoundOutcome =
  /** The model called `headroom_retrieve` and nothing else: answer, then continue with this body. */
  | { kind: "retrieve"; calls: RetrieveCall[]; continueBody(body: Obj, answers: string[]): Obj; flush: Uint8Array[] }
  /** Anything else: the response stands; send these held-back bytes (if any) to the client. */
  | { kind: "done"; flush: Uint8Array[] };

/**
 * State of one streamed response that may span several upstream calls. Events of the first call pass
 * through byte-exact until a retrieve call starts; from there they are held until the round ends.
 * Continuation rounds are rewritten so that the client sees one message (indices, ids, usage).
 */
export interface StreamSession {
  /** Called before each upstream stream, the first included. */
  startRound(): void;
  /** One upstream event in; the bytes to send to the client now out. */
  onEvent(ev: SseEvent): Uint8Array[];
  /** The upstream stream of this round ended cleanly. */
  finish(): RoundOutcome;
  /** An error event in the dialect's own shape (the HTTP status is already sent). */
  errorEvent(message: string): Uint8Array;
}

/** The per-API knowledge the retrieve loop needs. */
export interface Dialect {
  format: MessageFormat;
  /** For a non-streamed response: its retrieve calls when they are the only tool calls, else undefined. */
  retrieveOnly(response: Obj): RetrieveCall[] | undefined;
  /** The request that continues `body` after `response` with the answers to its retrieve calls. */
  continueBody(body: Obj, response: Obj, calls: RetrieveCall[], answers: string[]): Obj;
  /**
   * Folds the rounds of a non-streamed response into one: the visible content of every retrieve-only
   * round (minus the retrieve calls) is kept in front of the final round's, usage is summed.
   */
  combine(rounds: Obj[]): Obj;
  streamSession(): StreamSession;
}

/** Adds numeric fields of usage objects (nested objects too); non-numbers come from `b`. */
export function sumUsage(a: unknown, b: unknown): unknown {
  if (!isObj(a)) return b;
  if (!isObj(b)) return a;
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const p = a[k];
    if (typeof v === "number" && typeof p === "number") out[k] = p + v;
    else if (isObj(v) && isObj(p)) out[k] = sumUsage(p, v);
    else out[k] = v;
  }
  return out;
}

export const encoder = new TextEncoder();

export function tryParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
