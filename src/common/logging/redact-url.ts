import { UUID_PATTERN } from '../validation/uuid.js';

/**
 * Drops query-string values from logged URLs (searches carry MRNs, names and dates of birth) and
 * the MRN of integration paths (`/patients/:mrn/...`): a patient segment that is not a UUID is an MRN.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(
    /(\/patients\/)([^/]+)/gi,
    (whole, prefix: string, segment: string) => (UUID_PATTERN.test(segment) ? whole : `${prefix}[Redacted]`),
  );
  if (q < 0) return path;
  const params = new URLSearchParams(url.slice(q + 1));
  return `${path}?${[...params.keys()].map((k) => `${k}=[Redacted]`).join('&')}`;
}
