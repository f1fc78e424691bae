// The proxy answers retrieve calls with @headroom/ccr's one implementation (`answerRetrieveCalls`); the
// dialect adapters only find the calls and build the continuation.
export { RETRIEVE_TOOL_NAME, injectRetrieveTool, answerRetrieveCalls, retrieveLimitText } from "@headroom/ccr";
export type { RawRetrieveCall as RetrieveCall } from "@headroom/ccr";
