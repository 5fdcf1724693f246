import { ascii, concat, u32be } from './bytes.js';
import { Inflate } from 'fflate';

/**
 * A text field of the container's metadata: PNG tEXt/zTXt/iTXt chunks, JPEG COM segments, XMP
 * packets (JPEG APP1, PNG iTXt "XML:com.adobe.xmp", WebP "XMP " chunk) and GIF comment extensions.
 * These are where exiftool-style tools (and people) hide text next to the pixels.
 */
export interface MetadataText {
  /** Where the field lives: `png:tEXt`, `png:zTXt`, `png:iTXt`, `jpeg:COM`, `xmp`, `gif:comment`. */
  kind: 'png:tEXt' | 'png:zTXt' | 'png:iTXt' | 'jpeg:COM' | 'xmp' | 'gif:comment';
  /** The PNG keyword (empty for the other kinds). */
  key: string;
  /** The value's bytes, decompressed for zTXt and compressed iTXt (bounded); the raw bytes when they do not inflate. */
  value: Uint8Array;
}

/** Bounds: a file may declare any number of fields; we keep the first MAX_FIELDS, each inflated to at most MAX_VALUE bytes (16 MiB in all). */
export const MAX_FIELDS = 64;
export const MAX_VALUE = 1 << 18;

const XMP_JPEG = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_JPEG_EXT = 'http://ns.adobe.com/xmp/extension/\0';

/** A zlib stream's output, at most MAX_VALUE bytes (fed in slices, so a bomb stops early); the raw bytes when it does not inflate. */
function inflateOr(raw: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let got = 0;
  const inf = new Inflate((chunk) => {
    const k = Math.min(chunk.length, MAX_VALUE - got);
    if (k > 0) parts.push(chunk.slice(0, k));
    got += k;
  });
  try {
    for (let o = 2; o < raw.length && got < MAX_VALUE; o += 4096) inf.push(raw.subarray(o, Math.min(raw.length, o + 4096)), false);
    if (got < MAX_VALUE) inf.push(new Uint8Array(0), true);
  } catch {
    if (got === 0) return raw;
  }
  return concat(parts);
}

function nul(b: Uint8Array, from: number): number {
  const i = b.indexOf(0, from);
  return i < 0 ? b.length : i;
}

/** A PNG text chunk's data as a field (tEXt: key\0text; zTXt: key\0method text; iTXt: key\0flag method lang\0 tkey\0 text). */
export function pngTextField(type: 'tEXt' | 'zTXt' | 'iTXt', data: Uint8Array): MetadataText {
  const k = nul(data, 0);
  // Keywords are 1-79 printable Latin-1 characters; anything else is shown as '?' (keys end up in reports and terminals).
  const key = ascii(data, 0, Math.min(k, 79)).replace(/[^\x20-\x7e\xa1-\xff]/g, '?');
  let value: Uint8Array;
  if (type === 'tEXt') value = data.subarray(Math.min(k + 1, data.length));
  else if (type === 'zTXt') value = inflateOr(data.subarray(Math.min(k + 2, data.length)));
  else {
    const compressed = data[k + 1] === 1;
    const lang = nul(data, k + 3);
    const tkey = nul(data, lang + 1);
    const raw = data.subarray(Math.min(tkey + 1, data.length));
    value = compressed ? inflateOr(raw) : raw;
  }
  const packet = xmpPacketIn(value);
  if (packet) return { kind: 'xmp', key, value: packet };
  return { kind: `png:${type}`, key, value };
}

/**
 * The XMP packet a text value holds, or null: a value that starts (after blanks, and after the
 * "XML:com.adobe.xmp:" label ImageMagick writes when it turns a PNG's XMP chunk into a JPEG
 * comment) with `<?xpacket` or `<x:xmpmeta`. Such packets are parsed as XMP wherever they sit.
 */
export function xmpPacketIn(value: Uint8Array): Uint8Array | null {
  const head = ascii(value, 0, Math.min(value.length, 96));
  const m = /^\s*(?:XML:com\.adobe\.xmp\s*:?\s*)?(?=<\?xpacket|<x:xmpmeta)/.exec(head);
  return m ? value.subarray(m[0].length) : null;
}

/** JPEG COM or APP1 XMP segment (payload after the length field) as a field, or null for other segments (extended XMP: see ExtendedXmp). */
export function jpegTextField(marker: number, seg: Uint8Array): MetadataText | null {
  if (marker === 0xfe) {
    const packet = xmpPacketIn(seg);
    return packet ? { kind: 'xmp', key: '', value: packet } : { kind: 'jpeg:COM', key: '', value: seg };
  }
  if (marker === 0xe1 && ascii(seg, 0, XMP_JPEG.length) === XMP_JPEG) return { kind: 'xmp', key: '', value: seg.subarray(XMP_JPEG.length) };
  return null;
}

/**
 * Extended XMP (JPEG APP1 "http://ns.adobe.com/xmp/extension/"): a packet too large for one segment,
 * cut into portions that each carry the packet's GUID, its full length and the portion's offset.
 * Photoshop writes megabytes of them (document ancestors, history). The portions of one GUID are put
 * back together into one field, at most MAX_VALUE bytes, so the packet is read as the XML it is.
 */
export class ExtendedXmp {
  private readonly packets = new Map<string, { buf: Uint8Array; filled: number; field: MetadataText }>();

  /** Takes the segment when it is an extended XMP portion (returns false otherwise). */
  add(seg: Uint8Array, fields: MetadataText[]): boolean {
    if (ascii(seg, 0, XMP_JPEG_EXT.length) !== XMP_JPEG_EXT) return false;
    const h = XMP_JPEG_EXT.length;
    if (seg.length < h + 40) return true;
    const guid = ascii(seg, h, 32);
    const full = u32be(seg, h + 32);
    const offset = u32be(seg, h + 36);
    let p = this.packets.get(guid);
    if (!p) {
      if (fields.length >= MAX_FIELDS) return true;
      const buf = new Uint8Array(Math.min(full, MAX_VALUE));
      p = { buf, filled: 0, field: { kind: 'xmp', key: '', value: buf.subarray(0, 0) } };
      this.packets.set(guid, p);
      fields.push(p.field);
    }
    if (offset < p.buf.length) {
      const portion = seg.subarray(h + 40, h + 40 + Math.min(seg.length - h - 40, p.buf.length - offset));
      p.buf.set(portion, offset);
      p.filled = Math.max(p.filled, offset + portion.length);
      p.field.value = p.buf.subarray(0, p.filled);
    }
    return true;
  }
}

/** The data of a GIF extension's sub-blocks, concatenated (the extension starts at `o`, after its label). */
export function gifSubBlocks(b: Uint8Array, o: number): Uint8Array {
  let n = 0;
  for (let p = o; p < b.length && b[p] !== 0; p += b[p]! + 1) n += b[p]!;
  const out = new Uint8Array(Math.min(n, MAX_VALUE));
  let at = 0;
  for (let p = o; p < b.length && b[p] !== 0 && at < out.length; p += b[p]! + 1) {
    const piece = b.subarray(p + 1, Math.min(p + 1 + b[p]!, b.length));
    const k = Math.min(piece.length, out.length - at);
    out.set(piece.subarray(0, k), at);
    at += k;
  }
  return out.subarray(0, at);
}

/** Adds a field unless the bound on fields is reached. */
export function pushField(list: MetadataText[], f: MetadataText | null): void {
  if (f && list.length < MAX_FIELDS) list.push(f);
}

/**
 * The values inside an XMP packet that a person or a tool could have written free text into:
 * element text and attribute values, with the element or attribute name. Namespace declarations,
 * xpacket processing instructions and whitespace-only text are skipped. XML entities are decoded.
 */
export function xmpValues(packet: Uint8Array): { name: string; value: string }[] {
  const xml = new TextDecoder('utf-8').decode(packet.subarray(0, MAX_VALUE));
  const out: { name: string; value: string }[] = [];
  const tag = /<([^>]*)>/g;
  let last = 0;
  let open = '';
  let m: RegExpExecArray | null;
  while ((m = tag.exec(xml)) !== null && out.length < 4096) {
    const text = xml.slice(last, m.index);
    if (open && text.trim() !== '') out.push({ name: open, value: entities(text) });
    last = tag.lastIndex;
    const inner = m[1]!;
    if (inner.startsWith('?') || inner.startsWith('!')) continue;
    if (inner.startsWith('/')) {
      open = '';
      continue;
    }
    const name = /^[A-Za-z_][\w:.-]*/.exec(inner)?.[0] ?? '?';
    open = inner.endsWith('/') ? '' : name;
    const attr = /([A-Za-z_][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;
    let a: RegExpExecArray | null;
    while ((a = attr.exec(inner)) !== null) {
      const an = a[1]!;
      if (an === 'xmlns' || an.startsWith('xmlns:')) continue;
      const v = a[3] ?? a[4] ?? '';
      if (v.trim() !== '') out.push({ name: an, value: entities(v) });
    }
  }
  return out;
}

function entities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (all, e: string) => {
    const l = e.toLowerCase();
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'amp') return '&';
    if (l === 'quot') return '"';
    if (l === 'apos') return "'";
    const code = l.startsWith('#x') ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}
