/** The answer that completes Event Grid's subscription-validation handshake. */
export function validationResponse(validationCode: string): { validationResponse: string } {
  return { validationResponse: validationCode };
}
