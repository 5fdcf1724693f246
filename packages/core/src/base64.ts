const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
let LOOKUP: Uint8Array | null = null;

/** Decode standard base64 (no whitespace) without relying on atob or Node buffers. */
export function base64ToBytes(s: string): Uint8Array {
  if (!LOOKUP) {
    LOOKUP = new Uint8Array(128);
    for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;
  }
  const L = LOOKUP;
  let n = s.length;
  while (n > 0 && s[n - 1] === '=') n--;
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const a = L[s.charCodeAt(i)]!;
    const b = L[s.charCodeAt(i + 1)]!;
    const c = i + 2 < n ? L[s.charCodeAt(i + 2)]! : 0;
    const d = i + 3 < n ? L[s.charCodeAt(i + 3)]! : 0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}
