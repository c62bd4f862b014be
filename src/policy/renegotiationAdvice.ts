// Both settings make App Service ask for the certificate only after the handshake.
const EFFECT = 'which breaks HTTP/2 and TLS 1.3 and fails requests with bodies over 100 KB';

/** The caveat of settings that make App Service request the certificate by TLS renegotiation. */
export function renegotiationAdvice(cause: 'mode' | 'exclusion-paths'): string {
  return cause === 'mode'
    ? `clientCertMode OptionalInteractiveUser (portal "Optional") forces TLS renegotiation, ${EFFECT}.`
    : `Exclusion paths force TLS renegotiation (the certificate can only be asked for once the path is known), ${EFFECT}.`;
}
