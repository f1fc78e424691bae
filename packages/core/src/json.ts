/** `JSON.parse` that answers "not JSON" (a SyntaxError) with `undefined` and lets any other error through. */
export function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    if (e instanceof SyntaxError) return undefined;
    throw e;
  }
}
