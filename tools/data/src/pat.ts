/** GIMP pattern (.pat): a 24+ byte big-endian header, a name, then raw 8-bit samples (1-4 channels). */
export function decodePat(b: Uint8Array): { width: number; height: number; channels: 1 | 2 | 3 | 4; data: Uint8Array } | null {
  if (b.length < 28) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const headerSize = dv.getUint32(0);
  const width = dv.getUint32(8);
  const height = dv.getUint32(12);
  const channels = dv.getUint32(16);
  if (String.fromCharCode(b[20]!, b[21]!, b[22]!, b[23]!) !== 'GPAT') return null;
  if (channels < 1 || channels > 4 || width * height * channels + headerSize > b.length) return null;
  return { width, height, channels: channels as 1 | 2 | 3 | 4, data: b.subarray(headerSize, headerSize + width * height * channels) };
}
