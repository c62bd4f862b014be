import type { ApiIdentity } from './identity.js';

/** A framework-neutral HTTP request: the local host and Azure Functions HTTP triggers both build one. */
export interface ApiRequest {
  method: string;
  /** Path below /api, e.g. `settings/0000...`. */
  path: string;
  query: URLSearchParams;
  /** Raw body text (JSON expected for PUT). */
  body: string;
  /** Who calls, established by the front door (identifyCaller): history's actor and the roles checked. */
  identity: ApiIdentity;
}

export interface ApiResponse {
  status: number;
  /** JSON-serialisable, or the raw text when `contentType` is set. */
  body: unknown;
  contentType?: string;
}
