export { handleApi } from './handleApi.js';
export type { ApiRequest, ApiResponse } from './types.js';
