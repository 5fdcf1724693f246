import { StarlightError } from '@starlight/core';
import { ascii, concatBytes, utf8 } from './bits.js';

/**
 * Container surgery on encoded files: JPEG segments (APP1 Exif, APP1 XMP, COM), WebP chunks
 * (EXIF, XMP, with the VP8X header that announces them) and appended data.
 */

const EXIF_ID = ascii('Exif\0\0');
export const XMP_ID = ascii('http://ns.adobe.com/xap/1.0/\0');
const XMP_EXT_ID = ascii('http://ns.adobe.com/xmp/extension/\0');
/** Bytes of an extended XMP packet per APP1 segment (Photoshop's figure). */
const XMP_EXT_PORTION = 65400;

function segment(marker: number, payload: Uint8Array): Uint8Array {
  if (payload.length > 65533) {
    throw new StarlightError('E_TOO_LARGE', `a JPEG segment holds at most 65533 bytes; this one needs ${payload.length}`);
  }
  const out = new Uint8Array(4 + payload.length);
  out[0] = 0xff;
  out[1] = marker;
  out[2] = (payload.length + 2) >> 8;
  out[3] = (payload.length + 2) & 255;
  out.set(payload, 4);
  return out;
}

export interface JpegSegments {
  /** A TIFF block for APP1 Exif (the "Exif\0\0" prefix is added). */
  exif?: Uint8Array;
  /** An XMP packet (XML text) for APP1 XMP. */
  xmp?: string;
  /** COM comments (raw bytes or text). */
  comments?: (Uint8Array | string)[];
}

/**
 * Insert segments after SOI and any APP0 (JFIF) segment: APP1 Exif first, then XMP, then COM,
 * the order cameras and exiftool use.
 */
export function insertJpegSegments(jpeg: Uint8Array, s: JpegSegments): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new StarlightError('E_INVALID_ARGUMENT', 'not a JPEG (no SOI)');
  let at = 2;
  // Skip APP0 segments (JFIF/JFXX) so the file stays a valid JFIF.
  while (jpeg[at] === 0xff && jpeg[at + 1] === 0xe0 && at + 4 <= jpeg.length) at += 2 + ((jpeg[at + 2]! << 8) | jpeg[at + 3]!);
  const parts: Uint8Array[] = [];
  if (s.exif) parts.push(segment(0xe1, concatBytes(EXIF_ID, s.exif)));
  if (s.xmp !== undefined) parts.push(...xmpSegments(s.xmp));
  for (const c of s.comments ?? []) parts.push(segment(0xfe, typeof c === 'string' ? utf8(c) : c));
  return concatBytes(jpeg.subarray(0, at), ...parts, jpeg.subarray(at));
}

/**
 * APP1 XMP: one segment when the packet fits, else (as Photoshop does with megabytes of document
 * ancestors) a standard packet that names the extended one by GUID (xmpNote:HasExtendedXMP) and the
 * extended packet in portions of XMP_EXT_PORTION bytes, each with the GUID, the full length and its
 * offset. The GUID is 32 hex digits of a hash of the packet (the spec asks for MD5; readers only match it).
 */
function xmpSegments(xmp: string): Uint8Array[] {
  const bytes = utf8(xmp);
  if (XMP_ID.length + bytes.length <= 65533) return [segment(0xe1, concatBytes(XMP_ID, bytes))];
  const ext = utf8(xmp.replace(/<\?xpacket[^>]*\?>/g, '').trim());
  const guid = guidOf(ext);
  const main =
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n' +
    `  <rdf:Description rdf:about="" xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="${guid}"/>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>`;
  const out = [segment(0xe1, concatBytes(XMP_ID, utf8(main)))];
  for (let o = 0; o < ext.length; o += XMP_EXT_PORTION) {
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    dv.setUint32(0, ext.length);
    dv.setUint32(4, o);
    out.push(segment(0xe1, concatBytes(XMP_EXT_ID, ascii(guid), head, ext.subarray(o, o + XMP_EXT_PORTION))));
  }
  return out;
}

/** 128 bits (four FNV-1a lanes) as 32 upper-case hex digits. */
function guidOf(b: Uint8Array): string {
  let out = '';
  for (let lane = 0; lane < 4; lane++) {
    let h = (0x811c9dc5 ^ Math.imul(lane, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.toUpperCase();
}

/** A minimal XMP packet carrying `text` as dc:description. */
export function xmpPacket(text: string): string {
  const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
    `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${esc}</rdf:li></rdf:Alt></dc:description>` +
    '</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>'
  );
}

interface RiffChunk {
  id: string;
  data: Uint8Array;
}

function readChunks(webp: Uint8Array): RiffChunk[] {
  const dv = new DataView(webp.buffer, webp.byteOffset, webp.byteLength);
  if (webp.length < 12 || String.fromCharCode(...webp.subarray(0, 4)) !== 'RIFF' || String.fromCharCode(...webp.subarray(8, 12)) !== 'WEBP') {
    throw new StarlightError('E_INVALID_ARGUMENT', 'not a WebP file');
  }
  const end = Math.min(webp.length, 8 + dv.getUint32(4, true));
  const out: RiffChunk[] = [];
  let o = 12;
  while (o + 8 <= end) {
    const id = String.fromCharCode(...webp.subarray(o, o + 4));
    const size = dv.getUint32(o + 4, true);
    out.push({ id, data: webp.subarray(o + 8, Math.min(end, o + 8 + size)) });
    o += 8 + size + (size & 1);
  }
  return out;
}

function writeChunks(chunks: RiffChunk[]): Uint8Array {
  let body = 4;
  for (const c of chunks) body += 8 + c.data.length + (c.data.length & 1);
  const out = new Uint8Array(8 + body);
  const dv = new DataView(out.buffer);
  out.set(ascii('RIFF'), 0);
  dv.setUint32(4, body, true);
  out.set(ascii('WEBP'), 8);
  let o = 12;
  for (const c of chunks) {
    out.set(ascii(c.id), o);
    dv.setUint32(o + 4, c.data.length, true);
    out.set(c.data, o + 8);
    o += 8 + c.data.length + (c.data.length & 1);
  }
  return out;
}

/** Size and alpha of the image bitstream (VP8/VP8L) of a simple-format WebP. */
function bitstreamInfo(c: RiffChunk): { w: number; h: number; alpha: boolean } {
  const d = c.data;
  if (c.id === 'VP8L') {
    const bits = (d[1]! | (d[2]! << 8) | (d[3]! << 16) | (d[4]! << 24)) >>> 0;
    return { w: (bits & 0x3fff) + 1, h: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 };
  }
  return { w: (d[6]! | (d[7]! << 8)) & 0x3fff, h: (d[8]! | (d[9]! << 8)) & 0x3fff, alpha: false };
}

/**
 * Add EXIF and/or XMP chunks to a WebP, converting a simple file to the extended format
 * (VP8X first, with the EXIF (0x08), XMP (0x04) and alpha (0x10) flags as they apply).
 */
export function addWebpMetadata(webp: Uint8Array, meta: { exif?: Uint8Array; xmp?: string }): Uint8Array {
  const chunks = readChunks(webp);
  let vp8x = chunks.find((c) => c.id === 'VP8X');
  const rest = chunks.filter((c) => c.id !== 'VP8X' && c.id !== 'EXIF' && c.id !== 'XMP ');
  if (!vp8x) {
    const bs = rest.find((c) => c.id === 'VP8 ' || c.id === 'VP8L');
    if (!bs) throw new StarlightError('E_INVALID_ARGUMENT', 'WebP has no image data');
    const { w, h, alpha } = bitstreamInfo(bs);
    const d = new Uint8Array(10);
    d[0] = alpha || rest.some((c) => c.id === 'ALPH') ? 0x10 : 0;
    d[4] = (w - 1) & 255;
    d[5] = ((w - 1) >> 8) & 255;
    d[6] = ((w - 1) >> 16) & 255;
    d[7] = (h - 1) & 255;
    d[8] = ((h - 1) >> 8) & 255;
    d[9] = ((h - 1) >> 16) & 255;
    vp8x = { id: 'VP8X', data: d };
  } else vp8x = { id: 'VP8X', data: vp8x.data.slice() };
  const out: RiffChunk[] = [vp8x, ...rest];
  if (meta.exif) {
    vp8x.data[0]! |= 0x08;
    out.push({ id: 'EXIF', data: meta.exif });
  }
  if (meta.xmp !== undefined) {
    vp8x.data[0]! |= 0x04;
    out.push({ id: 'XMP ', data: utf8(meta.xmp) });
  }
  return writeChunks(out);
}

/** Append data after the end of any container (`cat image payload > out`). */
export function appendData(file: Uint8Array, data: Uint8Array): Uint8Array {
  return concatBytes(file, data);
}
