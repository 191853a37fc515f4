/**
 * Derives a platform username from an IdP-supplied value, the way GitLab does: the local part of an
 * email, only letters, digits, `_`, `-` and `.`, starting and ending with a letter or digit.
 * The SCIM view keeps userName exactly as sent; only the platform account gets this form.
 */
export function sanitizeUsername(source: string): string {
  const local = source.includes('@') ? source.slice(0, source.indexOf('@')) : source;
  const cleaned = local
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // drop combining accents: "Zoë" → "Zoe"
    .replace(/[^A-Za-z0-9_.-]+/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
    .slice(0, 60);
  return cleaned === '' ? 'user' : cleaned;
}

/** `alice`, then `alice1`, `alice2`, … : the first candidate not in `taken` (lower-cased). */
export function firstFreeUsername(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 1; ; n++) {
    const candidate = `${base}${n}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}
