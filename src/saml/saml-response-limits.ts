/**
 * The largest decoded SAMLResponse Roster reads. Real IdPs send 5–9 KB; Entra with its maximum of
 * 150 group claims (a GUID per AttributeValue, ~70 bytes each) adds about 11 KB, and a second
 * certificate in the KeyInfo another 2 KB. 256 KiB is ten times the largest honest response we
 * know of, yet a quarter of the 1 MiB body limit, which alone does not bound validation cost.
 */
export const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * The most element (and comment / processing-instruction) openings Roster parses. Validation cost
 * grows with the number of nodes (node-saml's and xml-crypto's `//*[@ID=…]` lookups walk every one,
 * about 0.1 ms per element measured), so this cap, not the byte cap, is what bounds CPU per
 * response: about 130 ms at the cap against 20 s for the 200 KiB of empty elements an attacker can
 * post. An Entra response with 150 group claims has about 220 elements; 1,000 is over four times that.
 */
export const MAX_RESPONSE_ELEMENTS = 1000;

/** Base64 of MAX_RESPONSE_BYTES, so an oversized value is refused before it is even decoded. */
const MAX_BASE64_CHARS = Math.ceil(MAX_RESPONSE_BYTES / 3) * 4;

/** Why a base64 SAMLResponse (whitespace removed) is longer than the decoded-size cap allows, or null. */
export function encodedSizeProblem(compact: string): string | null {
  return compact.length > MAX_BASE64_CHARS ? `SAMLResponse has ${compact.length} base64 characters, more than the ${MAX_BASE64_CHARS} of ${MAX_RESPONSE_BYTES} bytes` : null;
}

/**
 * Why a decoded response is over either cap, or null. Runs on the bytes before they become a
 * string, counting `<` not followed by `/` with the native byte search: no parser and no copy, and
 * at most MAX_RESPONSE_ELEMENTS + 1 look-ups, so a hostile document costs the event loop little.
 */
export function decodedSizeProblem(bytes: Uint8Array): string | null {
  if (bytes.length > MAX_RESPONSE_BYTES) return `SAMLResponse is ${bytes.length} bytes, more than ${MAX_RESPONSE_BYTES}`;
  return elementOpeningsOver(bytes, MAX_RESPONSE_ELEMENTS) ? `SAMLResponse has more than ${MAX_RESPONSE_ELEMENTS} elements` : null;
}

/**
 * Whether XML bytes open more than `max` elements (comments and processing instructions count),
 * counting `<` not followed by `/` with the native byte search: at most max + 1 look-ups.
 */
export function elementOpeningsOver(bytes: Uint8Array, max: number): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let openings = 0;
  for (let i = buffer.indexOf(0x3c); i !== -1; i = buffer.indexOf(0x3c, i + 1)) {
    if (buffer[i + 1] !== 0x2f && ++openings > max) return true;
  }
  return false;
}
