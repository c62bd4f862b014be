/** The largest request body the HTTP API accepts (local host and Azure Functions alike); past it, 413. */
export const MAX_API_BODY_BYTES = 64 * 1024;
