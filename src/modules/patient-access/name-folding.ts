/**
 * Folds a name for exact, case- and accent-insensitive search: Unicode compatibility
 * decomposition, combining marks removed, a few letters without a decomposition mapped
 * (ø, æ, œ, ß, ł, đ, ı), lower case, whitespace collapsed and trimmed. The EHR feed stores
 * `search_first_name`/`search_last_name` with it; search folds the query the same way.
 */
const SPECIAL: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øæœßłđðþı]/g, (c) => SPECIAL[c] ?? c)
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}
