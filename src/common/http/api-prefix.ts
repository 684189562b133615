/** Every API route's path prefix (Nest's global prefix); modules that build absolute paths read it here. */
export const API_PREFIX = 'api/v1';
