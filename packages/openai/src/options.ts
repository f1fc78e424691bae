// The option handling is shared by every SDK adapter and lives in @headroom/ccr.
export { resolveAdapterOptions as resolveOptions, compressAdapterMessages as compressMessages, reportRetrievals } from "@headroom/ccr";
export type { AdapterOptions as HeadroomOptions, AdapterError as HeadroomError, ResolvedAdapter as Resolved } from "@headroom/ccr";
