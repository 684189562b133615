/** The configured authentication context an ID token must show (issue 18 item 6). */
export interface RequiredAssurance {
  requiredAcr: string[];
  requiredAmr: string[];
}

/**
 * Why the ID token's `acr`/`amr` do not show what `OIDC_REQUIRED_ACR`/`OIDC_REQUIRED_AMR` ask
 * (`acr` one of the required values; `amr` every required method), or null when they do.
 */
export function authenticationContextRefusal(
  claims: Record<string, unknown> | undefined,
  required: RequiredAssurance,
): string | null {
  if (required.requiredAcr.length) {
    const acr = claims?.acr;
    if (typeof acr !== 'string' || !required.requiredAcr.includes(acr)) return 'acr_not_met';
  }
  if (required.requiredAmr.length) {
    const amr = Array.isArray(claims?.amr) ? (claims.amr as unknown[]) : [];
    if (!required.requiredAmr.every((method) => amr.includes(method))) return 'amr_not_met';
  }
  return null;
}
