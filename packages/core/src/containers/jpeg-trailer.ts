import { u16be, u16le, u32be, u32le } from '../bytes.js';
import { readIfd, readIfd0 } from '../payload/exif.js';
import { xmpValues, type MetadataText } from '../metadata.js';

/**
 * Data after a JPEG's end-of-image marker that the file's own metadata declares, as cameras and
 * phones write it, belongs to the file: it is not appended data.
 * - A camera's preview image after EOI, declared by offset and length from the TIFF header: a maker
 *   note's PreviewImageStart/Length (Konica Minolta, tags 0x0088/0x0089; those cameras may spoil
 *   the preview's first byte, so only D8 FF is required after it) or IFD1's JPEGInterchangeFormat.
 * - A motion photo's video or a gain map declared in XMP: GCamera:MicroVideoOffset (bytes from the
 *   end of the file back to the video) or a Container:Directory whose items' Item:Length values add
 *   up to the data at the end of the file (Google's Motion Photo and Ultra HDR formats).
 * - Samsung's trailer (SEF): data blocks, then an SEFH directory of them, its length and "SEFT" at
 *   the very end of the file (Galaxy phones write it on most photos: capture time, mode, motion-photo
 *   video). Each directory entry must point back at a block headed by its own type and a printable name.
 * A declared range must begin with the signature of what it claims to be (a JPEG, an MP4 'ftyp' box,
 * a PNG), and what lies between EOI and it must be padding (NULs or 0xFF; cameras leave a little
 * junk: at most one byte in 64 may be other). Anything after the last declared range stays appended.
 * Returns the offset just past the declared data, or `end` when nothing declared follows EOI.
 */
export function declaredTrailerEnd(b: Uint8Array, end: number, exif: Uint8Array | null, text: MetadataText[]): number {
  const ranges = [...exifRanges(b, exif), ...xmpRanges(b, text), ...samsungRanges(b)].filter(([s, n]) => n > 0 && s >= end && s + n <= b.length).sort((x, y) => x[0] - y[0]);
  let cur = end;
  for (const [s, n] of ranges) {
    if (s < cur || !isPadding(b, cur, s)) continue;
    cur = s + n;
  }
  return cur;
}

function isPadding(b: Uint8Array, from: number, to: number): boolean {
  let other = 0;
  for (let i = from; i < to; i++) if (b[i] !== 0 && b[i] !== 0xff) other++;
  return other * 64 <= to - from;
}

const isJpegAt = (b: Uint8Array, s: number, spoiledFirst: boolean): boolean => (spoiledFirst || b[s] === 0xff) && b[s + 1] === 0xd8 && b[s + 2] === 0xff;
const isMp4At = (b: Uint8Array, s: number): boolean => b[s + 4] === 0x66 && b[s + 5] === 0x74 && b[s + 6] === 0x79 && b[s + 7] === 0x70;
const isPngAt = (b: Uint8Array, s: number): boolean => b[s] === 0x89 && b[s + 1] === 0x50 && b[s + 2] === 0x4e && b[s + 3] === 0x47;

/** [file offset, length] of the images the EXIF block declares (maker-note preview, IFD1 thumbnail). */
function exifRanges(b: Uint8Array, exif: Uint8Array | null): [number, number][] {
  if (!exif || exif.length === 0) return [];
  const r = readIfd0(exif);
  if (!r || r.t.buffer !== b.buffer) return [];
  const { t, le, at, ifd0 } = r;
  const base = t.byteOffset - b.byteOffset; // the TIFF header's offset in the file
  const out: [number, number][] = [];
  const pair = (entries: { tag: number; raw: number }[] | null, startTag: number, lenTag: number, spoiledFirst: boolean): void => {
    const s = entries?.find((e) => e.tag === startTag);
    const n = entries?.find((e) => e.tag === lenTag);
    if (s && n && isJpegAt(b, base + s.raw, spoiledFirst)) out.push([base + s.raw, n.raw]);
  };
  const u16 = (o: number): number => (le ? u16le(t, o) : u16be(t, o));
  const u32 = (o: number): number => (le ? u32le(t, o) : u32be(t, o));
  const next = at + 2 + 12 * ifd0.length; // IFD1's offset follows IFD0's entries
  if (next + 4 <= t.length) {
    const ifd1At = u32(next);
    if (ifd1At !== 0 && ifd1At !== at) pair(readIfd(t, ifd1At, le), 0x0201, 0x0202, false);
  }
  const exifPtr = ifd0.find((e) => e.tag === 0x8769);
  const sub = exifPtr && exifPtr.raw !== at ? readIfd(t, exifPtr.raw, le) : null;
  const maker = sub?.find((e) => e.tag === 0x927c);
  // A maker note that is a plain IFD in the block's byte order (Minolta's), offsets from the TIFF header.
  if (maker && maker.valueOffset + 2 <= t.length && u16(maker.valueOffset) < 512) pair(readIfd(t, maker.valueOffset, le), 0x0088, 0x0089, true);
  return out;
}

const MIME_CHECK: Record<string, (b: Uint8Array, s: number) => boolean> = {
  'image/jpeg': (b, s) => isJpegAt(b, s, false),
  'image/png': isPngAt,
  'video/mp4': isMp4At,
  'video/quicktime': isMp4At,
};

/** [file offset, length] of the media an XMP packet declares at the end of the file. */
function xmpRanges(b: Uint8Array, text: MetadataText[]): [number, number][] {
  const out: [number, number][] = [];
  for (const f of text) {
    if (f.kind !== 'xmp') continue;
    const values = xmpValues(f.value);
    const local = (name: string): string => name.slice(name.indexOf(':') + 1);
    const micro = values.find((v) => local(v.name) === 'MicroVideoOffset');
    const n = micro ? Number(micro.value) : NaN;
    if (Number.isSafeInteger(n) && n > 0 && n <= b.length && isMp4At(b, b.length - n)) out.push([b.length - n, n]);
    // Container:Directory: items in file order, the primary image first (no length); the others follow it.
    let total = 0;
    let firstMime: string | null = null;
    let mime: string | null = null;
    for (const v of values) {
      const k = local(v.name);
      if (!v.name.startsWith('Item:') && !v.name.startsWith('Container:')) continue;
      if (k === 'Mime') mime = v.value.trim().toLowerCase();
      else if (k === 'Length') {
        const len = Number(v.value);
        if (!Number.isSafeInteger(len) || len < 0) {
          total = -1;
          break;
        }
        if (len > 0 && firstMime === null) firstMime = mime;
        total += len;
      }
    }
    const check = firstMime === null ? undefined : MIME_CHECK[firstMime];
    if (total > 0 && total <= b.length && check?.(b, b.length - total)) out.push([b.length - total, total]);
  }
  return out;
}

/** [file offset, length] of a Samsung SEF trailer at the end of the file (layout as exiftool reads it). */
function samsungRanges(b: Uint8Array): [number, number][] {
  const n = b.length;
  if (n < 20 || b[n - 4] !== 0x53 || b[n - 3] !== 0x45 || b[n - 2] !== 0x46 || b[n - 1] !== 0x54) return []; // 'SEFT'
  const len = u32le(b, n - 8);
  const dirPos = n - 8 - len;
  if (len < 12 || len >= 0x10000 || dirPos < 0 || b[dirPos] !== 0x53 || b[dirPos + 1] !== 0x45 || b[dirPos + 2] !== 0x46 || b[dirPos + 3] !== 0x48) return []; // 'SEFH'
  const count = u32le(b, dirPos + 8);
  if (count === 0 || 12 + 12 * count > len) return [];
  let first = 0;
  for (let i = 0; i < count; i++) {
    const e = dirPos + 12 + 12 * i;
    const type = u16le(b, e + 2);
    const back = u32le(b, e + 4);
    const size = u32le(b, e + 8);
    if (back > dirPos || size > back || size < 8) return [];
    const blk = dirPos - back;
    const nameLen = u32le(b, blk + 4);
    if (b[blk] !== 0 || b[blk + 1] !== 0 || u16le(b, blk + 2) !== type || nameLen === 0 || nameLen + 8 > size) return [];
    for (let k = blk + 8; k < blk + 8 + nameLen; k++) if (b[k]! < 0x20 || b[k]! > 0x7e) return [];
    first = Math.max(first, back);
  }
  return [[dirPos - first, n - (dirPos - first)]];
}
