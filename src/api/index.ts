export { handleApi } from './handleApi.js';
export { serveApi } from './serveApi.js';
export { MAX_API_BODY_BYTES } from './limits.js';
export { certificateFromHeader } from './certificateHeader.js';
export { checkClientCertificate, clientTrust, type ClientTrust, type CertVerdict, type ValidCertificate } from './clientCertCheck.js';
export { apiAccess, identifyCaller, type ApiIdentity, type CallerCredentials, type Admission } from './identity.js';
export { parseEntraPrincipal, type EntraPrincipal } from './entraPrincipal.js';
export { requiredRole, hasRole } from './routeRoles.js';
export type { ApiRequest, ApiResponse } from './types.js';
