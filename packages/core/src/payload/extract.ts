import { decodeImage, readContainer } from '../decode.js';
import { StarlightError } from '../errors.js';
import type { ContainerInfo, DecodedImage } from '../image.js';
import { confidenceOf, E_AI42, E_BAD_CHAR, E_TERMINATOR, E_TEXT_PER_BYTE } from './confidence.js';
import { xmpValues } from '../metadata.js';
import { binaryShare, longestEncodedRun, metadataStructureOf } from './blob.js';
import { findUserComment, ifd0Captions, splitCharacterCode, type CommentEncoding } from './exif.js';
import { readLsbBytes, reverseBits, type LsbRead } from './lsb.js';
import { spatialCodeLengths, textCodeLengths, type BitPlane } from './spatial.js';
import { decodeUtf8, distinctBytes, effectiveLength, isPrintableUtf8, scanText, toHex, type TextScan } from './text.js';
import {
  BIT_ORDERS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  PAYLOAD_FOUND_CONFIDENCE,
  PAYLOAD_METHODS,
  type BitOrder,
  type ExtractPayloadOptions,
  type PayloadCandidate,
  type PayloadMethod,
  type PayloadReport,
} from './types.js';

const AI42 = [0x41, 0x49, 0x34, 0x32];
/** Hard ceiling for maxBytes (a larger request is an invalid argument). */
const MAX_CAP = 256 * 1024 * 1024;

interface Resolved {
  methods: Set<PayloadMethod>;
  explicit: boolean;
  orders: readonly BitOrder[];
  maxBytes: number;
  minConfidence: number;
}

function resolve(options: ExtractPayloadOptions | undefined): Resolved {
  const o = options ?? {};
  if (typeof o !== 'object') throw new StarlightError('E_INVALID_ARGUMENT', 'options must be an object');
  let methods: PayloadMethod[];
  if (o.method === undefined) methods = [...PAYLOAD_METHODS];
  else {
    methods = (Array.isArray(o.method) ? o.method : [o.method]) as PayloadMethod[];
    if (methods.length === 0) throw new StarlightError('E_INVALID_ARGUMENT', 'method: give at least one method');
    for (const m of methods) {
      if (!PAYLOAD_METHODS.includes(m)) {
        throw new StarlightError('E_INVALID_ARGUMENT', `method: ${JSON.stringify(m)} is not one of ${PAYLOAD_METHODS.join(', ')}`);
      }
    }
  }
  if (o.bitOrder !== undefined && !BIT_ORDERS.includes(o.bitOrder)) {
    throw new StarlightError('E_INVALID_ARGUMENT', `bitOrder: ${JSON.stringify(o.bitOrder)} is not one of ${BIT_ORDERS.join(', ')}`);
  }
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new StarlightError('E_INVALID_ARGUMENT', `maxBytes: expected a positive integer, got ${String(maxBytes)}`);
  }
  if (maxBytes > MAX_CAP) throw new StarlightError('E_TOO_LARGE', `maxBytes: ${maxBytes} is over the ceiling of ${MAX_CAP} bytes`);
  const minConfidence = o.minConfidence ?? 0;
  if (typeof minConfidence !== 'number' || !(minConfidence >= 0 && minConfidence <= 1)) {
    throw new StarlightError('E_INVALID_ARGUMENT', `minConfidence: expected a number in [0, 1], got ${String(minConfidence)}`);
  }
  return {
    methods: new Set(methods),
    explicit: o.method !== undefined,
    orders: o.bitOrder ? [o.bitOrder] : BIT_ORDERS,
    maxBytes,
    minConfidence,
  };
}

function isUint8Array(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

/**
 * Keyless extraction of hidden payloads from image file bytes (or an already decoded image).
 * Tries the requested methods (default all five) and both bit orders, ranks the candidates by
 * confidence, and reports the best one as `found` when it reaches PAYLOAD_FOUND_CONFIDENCE.
 * Every failure is a StarlightError.
 */
export async function extractPayload(input: Uint8Array | DecodedImage, options: ExtractPayloadOptions = {}): Promise<PayloadReport> {
  const r = resolve(options);
  if (isUint8Array(input)) {
    const needPixels = r.methods.has('alpha') || r.methods.has('palette') || r.methods.has('lsb.rgb');
    const image = needPixels ? await decodeImage(input, options.decode) : readContainer(input, options.decode);
    return extractResolved(image, input, r);
  }
  return extractResolved(checkImage(input), undefined, r);
}

/**
 * Synchronous extraction from a decoded image. `bytes` (the original file) is needed for eoi;
 * without it eoi is skipped. A ContainerInfo without pixels works for exif and eoi.
 */
export function extractPayloadFromImage(
  image: DecodedImage | ContainerInfo,
  bytes?: Uint8Array,
  options: ExtractPayloadOptions = {},
): PayloadReport {
  const r = resolve(options);
  if (bytes !== undefined && !isUint8Array(bytes)) throw new StarlightError('E_INVALID_ARGUMENT', 'bytes must be a Uint8Array');
  return extractResolved(checkImage(image), bytes, r);
}

function checkImage<T extends ContainerInfo>(image: T): T {
  if (!image || typeof image !== 'object' || !Number.isInteger(image.width) || !Number.isInteger(image.height) || image.width <= 0 || image.height <= 0) {
    throw new StarlightError('E_INVALID_ARGUMENT', 'expected image file bytes (Uint8Array) or a DecodedImage');
  }
  const d = image as Partial<DecodedImage>;
  const n = image.width * image.height;
  if ((d.rgb && d.rgb.length < n * 3) || (d.alpha && d.alpha.length < n) || (d.indices && d.indices.length < n)) {
    throw new StarlightError('E_INVALID_ARGUMENT', 'the DecodedImage planes are shorter than width x height');
  }
  return image;
}

function extractResolved(image: ContainerInfo & Partial<DecodedImage>, bytes: Uint8Array | undefined, r: Resolved): PayloadReport {
  const candidates: PayloadCandidate[] = [];
  const skipped: PayloadReport['skipped'] = [];
  try {
    for (const method of PAYLOAD_METHODS) {
      if (!r.methods.has(method)) continue;
      const why = tryMethod(method, image, bytes, r, candidates);
      if (why) skipped.push({ method, reason: why });
    }
  } catch (e) {
    if (e instanceof StarlightError) throw e;
    throw new StarlightError('E_CORRUPT_IMAGE', `payload extraction failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const kept = candidates.filter((c) => c.confidence >= r.minConfidence);
  kept.sort(compare);
  const top = kept[0];
  return { found: top && top.confidence >= PAYLOAD_FOUND_CONFIDENCE ? top : null, candidates: kept, skipped };
}

const METHOD_RANK: Record<PayloadMethod, number> = { alpha: 0, eoi: 1, exif: 2, palette: 3, 'lsb.rgb': 4 };
/** The order preferred when two readings are otherwise tied (binary payloads). */
const PREFERRED_ORDER: Record<PayloadMethod, BitOrder | null> = { alpha: 'lsb-first', palette: 'lsb-first', 'lsb.rgb': 'msb-first', exif: null, eoi: null };

function compare(a: PayloadCandidate, b: PayloadCandidate): number {
  if (b.confidence !== a.confidence) return b.confidence - a.confidence;
  if (b.evidence !== a.evidence) return b.evidence - a.evidence;
  if (a.method !== b.method) return METHOD_RANK[a.method] - METHOD_RANK[b.method];
  // Ties (binary payloads) go to the Starlight layout: R, G, B interleaved before one channel alone.
  if ((a.channel === undefined) !== (b.channel === undefined)) return a.channel === undefined ? -1 : 1;
  const pa = a.bitOrder === PREFERRED_ORDER[a.method] ? 0 : 1;
  const pb = b.bitOrder === PREFERRED_ORDER[b.method] ? 0 : 1;
  return pa - pb;
}

/** Returns a reason when the method could not be tried at all. */
function tryMethod(
  method: PayloadMethod,
  img: ContainerInfo & Partial<DecodedImage>,
  bytes: Uint8Array | undefined,
  r: Resolved,
  out: PayloadCandidate[],
): string | null {
  const n = img.width * img.height;
  // JPEG and lossy WebP pixels carry compression noise: LSB payloads do not survive in them.
  const lossy = img.format === 'jpeg' || (img as { lossy?: boolean }).lossy === true;
  switch (method) {
    case 'alpha': {
      // (A lossy WebP keeps its alpha plane lossless, so alpha is tried whatever the format.)
      if (!img.alpha) return `no alpha channel (mode ${img.mode})`;
      lsbCandidates('alpha', { data: img.alpha, offset: 0, stride: 1, count: n, spp: 1, width: img.width }, r, out);
      return null;
    }
    case 'palette': {
      if (img.indices) {
        lsbCandidates('palette', { data: img.indices, offset: 0, stride: 1, count: n, spp: 1, width: img.width }, r, out);
        return null;
      }
      // Greyscale images: the grey level is the index of an identity palette.
      if (img.mode === 'L' && img.rgb && (r.explicit || !lossy)) {
        lsbCandidates('palette', { data: img.rgb, offset: 0, stride: 3, count: n, spp: 1, width: img.width }, r, out);
        return null;
      }
      return `no palette (mode ${img.mode})`;
    }
    case 'lsb.rgb': {
      if (!img.rgb) return 'no pixels (container only)';
      if (!r.explicit) {
        if (lossy) return 'lossy pixels (JPEG or lossy WebP) cannot carry LSB payloads';
        if (img.mode === 'P' || img.mode === 'L' || img.mode === '1') return `mode ${img.mode}: RGB is a palette/grey expansion (see palette)`;
      }
      lsbCandidates('lsb.rgb', { data: img.rgb, offset: 0, stride: 1, count: n * 3, spp: 3, width: img.width }, r, out);
      // Tools that write one channel only (zsteg's b1,r / b1,g / b1,b): the same reads, per channel.
      for (const [c, channel] of (['R', 'G', 'B'] as const).entries()) {
        const from = out.length;
        lsbCandidates('lsb.rgb', { data: img.rgb, offset: c, stride: 3, count: n, spp: 1, width: img.width }, r, out, `channel ${channel} only`, E_ONE_CHANNEL);
        for (let k = from; k < out.length; k++) out[k]!.channel = channel;
      }
      return null;
    }
    case 'exif': {
      const fields = metadataCandidates(img, r, out);
      const why = exifCandidate(img, r, out);
      return fields > 0 ? null : why;
    }
    case 'eoi':
      if (!bytes) return 'needs the original file bytes';
      return eoiCandidate(img, bytes, r, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Candidates

const LOG10_2 = Math.log10(2);
/** Below this LZ evidence the spatial model is not consulted (it can only lower the evidence). */
const SPATIAL_GATE = 2;

/** Evidence looks at the first EVIDENCE_WINDOW bytes of a message only: work per read is bounded. */
export const EVIDENCE_WINDOW = 4096;

interface Draft {
  method: PayloadMethod;
  bitOrder: BitOrder | null;
  bytes: Uint8Array;
  text: string | null;
  evidence: number;
  truncated: boolean;
  terminated: boolean;
  marker: 'AI42' | null;
  reasons: string[];
  encoding?: CommentEncoding;
  offset?: number;
  embeddedFile?: string;
  field?: string;
  structure?: string;
}

function withHex(c: PayloadCandidate): PayloadCandidate {
  let hex: string | null = null;
  Object.defineProperty(c, 'hex', { enumerable: true, get: () => (hex ??= toHex(c.bytes)) });
  return c;
}

function finish(d: Draft): PayloadCandidate {
  const evidence = Math.round(d.evidence * 1000) / 1000;
  const c = {
    method: d.method,
    bitOrder: d.bitOrder,
    bytes: d.bytes,
    text: d.text,
    length: d.bytes.length,
    confidence: confidenceOf(evidence),
    evidence,
    truncated: d.truncated,
    terminated: d.terminated,
    marker: d.marker,
    reasons: d.reasons,
  } as PayloadCandidate;
  if (d.encoding !== undefined) c.encoding = d.encoding;
  if (d.offset !== undefined) c.offset = d.offset;
  if (d.embeddedFile !== undefined) c.embeddedFile = d.embeddedFile;
  if (d.field !== undefined) c.field = d.field;
  if (d.structure !== undefined) c.structure = d.structure;
  return withHex(c);
}

interface TextEvidence {
  /** Scan of the evidence window: */
  scan: TextScan;
  e: number;
  /** The whole message as text when it is all printable UTF-8. */
  text: string | null;
}

/** Window evidence that bytes are text rather than chance (see confidence.ts). */
function windowEvidence(b: Uint8Array): { scan: TextScan; e: number; n: number } {
  let n = Math.min(b.length, EVIDENCE_WINDOW);
  // Do not cut a UTF-8 sequence in two at the window's edge.
  for (let k = 0; k < 3 && n < b.length && n > 0 && (b[n]! & 0xc0) === 0x80; k++) n--;
  const w = b.subarray(0, n);
  const scan = scanText(w);
  if (w.length === 0) return { scan, e: 0, n };
  const eff = effectiveLength(w);
  const share = scan.textBytes / w.length;
  return { scan, e: Math.max(0, E_TEXT_PER_BYTE * eff * share - E_BAD_CHAR * scan.badChars), n };
}

function textEvidence(b: Uint8Array): TextEvidence {
  const { scan, e } = windowEvidence(b);
  const printable = scan.printable && (scan.textBytes === b.length || isPrintableUtf8(b));
  return { scan, e, text: printable ? decodeUtf8(b) : null };
}

function startsWithAI42(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === AI42[0] && b[1] === AI42[1] && b[2] === AI42[2] && b[3] === AI42[3];
}

/** Where an LSB plane is read from. */
interface Plane extends BitPlane {
  count: number;
}

/**
 * Reads of one channel alone are one more hypothesis per channel: they start E_ONE_CHANNEL below the
 * interleaved layout (a prior one hundredth as likely), so chance text in three extra reads does not
 * outrank a binary Starlight payload, while a real one-channel text still scores far above 8.
 */
const E_ONE_CHANNEL = 2;

/** Prefix lengths (bytes) at which the spatial evidence is weighed. */
const CHECKPOINTS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

/**
 * Evidence against the spatial chance model (spatial.ts) for the message bytes `msg[0, n)`, which
 * start `startByte` bytes into the read: log10 P(msg | best fixed text model) - log10 P(bits |
 * adaptive spatial model), at the best of a few prefix lengths (a long repetitive text is learnt by
 * the adaptive model; its beginning still shows it is text). Structure that pixels explain better
 * than characters do (dithering, checkers, runs) scores below zero.
 */
function spatialEvidence(plane: Plane, cache: Map<string, number[]>, startByte: number, msg: Uint8Array, n: number): number {
  const ends = [...CHECKPOINTS.filter((c) => c < n), n];
  const key = `${startByte}:${n}`;
  let bits = cache.get(key);
  if (bits === undefined) {
    bits = spatialCodeLengths(plane, startByte * 8, ends.map((e) => (startByte + e) * 8));
    cache.set(key, bits);
  }
  const text = textCodeLengths(msg, ends);
  let best = -Infinity;
  for (let i = 0; i < ends.length; i++) best = Math.max(best, LOG10_2 * (bits[i]! - text[i]!));
  return best;
}

/**
 * Candidates from one LSB plane, both bit orders. The plane is read up to the first NUL, but only
 * the head (the evidence window plus framing) eagerly: when the message runs past it, bytes, text,
 * length and the flags are materialised from the full read on first access, so a clean image whose
 * LSBs never give a NUL (an opaque alpha plane, a white image) costs a 4 KiB read, not a 1 MiB one.
 */
function lsbCandidates(method: 'alpha' | 'palette' | 'lsb.rgb', plane: Plane, r: Resolved, out: PayloadCandidate[], where?: string, prior = 0): void {
  const extra = 6; // AI42 + " " around the window
  const limit = r.maxBytes + extra;
  const headLimit = Math.min(limit, EVIDENCE_WINDOW + extra);
  const head = readLsbBytes(plane.data, plane.offset, plane.stride, plane.count, headLimit);
  if (head.bytes.length === 0) return;
  const complete = head.terminated || head.bytes.length < headLimit || headLimit === limit;
  let full: LsbRead | null = complete ? head : null;
  const fullRead = (): LsbRead => (full ??= readLsbBytes(plane.data, plane.offset, plane.stride, plane.count, limit));
  const spatialCache = new Map<string, number[]>();

  for (const order of r.orders) {
    const rawHead = order === 'msb-first' ? head.bytes : reverseBits(head.bytes);
    // Starlight's generator can prefix any LSB payload with AI42 (its sidecars carry an `ai42` flag); alpha always has it.
    const marker: 'AI42' | null = startsWithAI42(rawHead) ? 'AI42' : null;
    /** The message from a raw read: marker off, cap applied, the " " of a " \0" alpha terminator off. */
    const message = (read: LsbRead, raw: Uint8Array): { body: Uint8Array; truncated: boolean } => {
      let body = marker ? raw.subarray(4) : raw;
      let truncated = read.exhausted;
      if (body.length > r.maxBytes) {
        body = body.subarray(0, r.maxBytes);
        truncated = true;
      }
      if (method === 'alpha' && marker && read.terminated && !truncated && body.length > 0 && body[body.length - 1] === 0x20) {
        body = body.subarray(0, body.length - 1);
      }
      return { body, truncated };
    };
    const headMsg = message(head, rawHead);
    const win = windowEvidence(headMsg.body);
    // Text evidence is the smaller of the two chance models' (LZ on i.i.d. bits, spatial structure).
    let textE = win.e;
    if (textE > SPATIAL_GATE) textE = Math.max(0, Math.min(textE, spatialEvidence(plane, spatialCache, marker ? 4 : 0, headMsg.body, win.n)));
    let evidence = (marker ? E_AI42 : 0) + textE - prior;
    // A NUL closing text inside the window is (weak) evidence; after garbage it says nothing.
    const endsInWindow = complete && head.terminated && headMsg.body.length <= EVIDENCE_WINDOW;
    if (endsInWindow && textE > 0) evidence += E_TERMINATOR;
    const reasonsFor = (read: LsbRead, body: Uint8Array, text: string | null): string[] => {
      const reasons: string[] = where ? [where] : [];
      if (marker) reasons.push('AI42 marker');
      if (read.terminated) reasons.push('NUL terminator');
      else reasons.push(read.bytes.length >= read.capacity ? 'no terminator before the end of the image' : 'no terminator before the byte cap');
      if (text !== null && body.length > 0) reasons.push(`printable UTF-8 text (${body.length} bytes)`);
      else if (body.length > 0) reasons.push(`non-text bytes (${body.length} bytes)`);
      return reasons;
    };

    if (complete) {
      const text = win.scan.printable && (win.scan.textBytes === headMsg.body.length || isPrintableUtf8(headMsg.body)) ? decodeUtf8(headMsg.body) : null;
      out.push(finish({ method, bitOrder: order, bytes: headMsg.body, text, evidence, truncated: headMsg.truncated, terminated: head.terminated, marker, reasons: reasonsFor(head, headMsg.body, text) }));
    } else {
      out.push(lazyCandidate(method, order, evidence, marker, () => {
        const read = fullRead();
        const raw = order === 'msb-first' ? read.bytes : reverseBits(read.bytes);
        const { body, truncated } = message(read, raw);
        const text = isPrintableUtf8(body) ? decodeUtf8(body) : null;
        return { bytes: body, text, truncated, terminated: read.terminated, reasons: reasonsFor(read, body, text) };
      }));
    }

    // A text message without its terminator runs on into the cover's own LSBs: offer the text prefix
    // (when the text ends inside the head).
    const p = win.scan.printablePrefix;
    if (p >= 12 && p < headMsg.body.length && p < EVIDENCE_WINDOW) {
      const prefix = headMsg.body.subarray(0, p);
      const pt = windowEvidence(prefix);
      let pe = pt.e;
      if (pe > SPATIAL_GATE) pe = Math.max(0, Math.min(pe, spatialEvidence(plane, spatialCache, marker ? 4 : 0, prefix, pt.n)));
      const e = (marker ? E_AI42 : 0) + pe - prior;
      if (e > evidence) {
        out.push(
          finish({
            method,
            bitOrder: order,
            bytes: prefix,
            text: decodeUtf8(prefix),
            evidence: e,
            truncated: true,
            terminated: false,
            marker,
            reasons: [...(where ? [where] : []), ...(marker ? ['AI42 marker'] : []), `printable UTF-8 text (${p} bytes) followed by non-text: unterminated message`],
          }),
        );
      }
    }
  }
}

interface Materialised {
  bytes: Uint8Array;
  text: string | null;
  truncated: boolean;
  terminated: boolean;
  reasons: string[];
}

/** A candidate whose bytes are read on first access (evidence and confidence are known up front). */
function lazyCandidate(method: PayloadMethod, bitOrder: BitOrder, ev: number, marker: 'AI42' | null, load: () => Materialised): PayloadCandidate {
  const evidence = Math.round(ev * 1000) / 1000;
  let m: Materialised | null = null;
  const get = (): Materialised => (m ??= load());
  const c = { method, bitOrder, confidence: confidenceOf(evidence), evidence, marker } as PayloadCandidate;
  const props: [keyof Materialised | 'length', () => unknown][] = [
    ['bytes', () => get().bytes],
    ['text', () => get().text],
    ['length', () => get().bytes.length],
    ['truncated', () => get().truncated],
    ['terminated', () => get().terminated],
    ['reasons', () => get().reasons],
  ];
  for (const [k, g] of props) Object.defineProperty(c, k, { enumerable: true, get: g });
  return withHex(c);
}

function isBlank(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (x !== 0 && x !== 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d) return false;
  }
  return true;
}

function trimTrailingNuls(b: Uint8Array, unit = 1): Uint8Array {
  let n = b.length - (b.length % unit);
  while (n >= unit) {
    let zero = true;
    for (let k = 1; k <= unit; k++) if (b[n - k] !== 0) zero = false;
    if (!zero) break;
    n -= unit;
  }
  return b.subarray(0, n);
}

function exifCandidate(img: ContainerInfo, r: Resolved, out: PayloadCandidate[]): string | null {
  if (!img.exif || img.exif.length === 0) return 'no EXIF block';
  const uc = findUserComment(img.exif);
  if (!uc) return 'no UserComment in the EXIF block';
  const { encoding, body: raw } = splitCharacterCode(uc.value);
  const reasons = [`UserComment (0x9286) in the ${uc.ifd === 'exif' ? 'Exif sub-IFD' : 'IFD0'}`, `character code ${encoding}`];
  let body: Uint8Array;
  let text: string | null = null;
  let evidence = encoding === 'none' || encoding === 'undefined' ? 1 : 3;
  let scan: TextEvidence;
  if (encoding === 'unicode') {
    body = trimTrailingNuls(raw, 2);
    if (isBlank(body)) return 'blank UserComment';
    const s = decodeUtf16(body, uc.littleEndian);
    const utf8 = s === null ? null : new TextEncoder().encode(s);
    scan = utf8 ? textEvidence(utf8) : textEvidence(body);
    text = scan.text;
  } else {
    body = trimTrailingNuls(raw);
    if (isBlank(body)) return 'blank UserComment';
    scan = textEvidence(body);
    text = scan.text;
    if (text === null && encoding === 'jis') {
      const s = decodeLabel('shift_jis', body);
      if (s !== null && isPrintableString(s)) {
        text = s;
        scan = textEvidence(new TextEncoder().encode(s));
      }
    }
  }
  if (text !== null) {
    evidence += scan.e;
    reasons.push(`printable text (${body.length} bytes)`);
    const twin = sameTextElsewhere(img, text);
    if (twin) {
      // Photo managers (digiKam, Windows, Lightroom) write one caption to several fields at once; the
      // exif method's message is in the UserComment alone. The caption stays listed, like metadata text.
      evidence = Math.min(evidence, METADATA_MAX_EVIDENCE);
      reasons.push(`the same text in ${twin} too: a caption written to several fields, listed like metadata text`);
    }
  } else {
    evidence += 2 + Math.min(3, effectiveLength(body) / 50);
    reasons.push(`binary comment (${body.length} bytes)`);
  }
  let truncated = false;
  if (body.length > r.maxBytes) {
    body = body.subarray(0, r.maxBytes);
    truncated = true;
    if (text !== null) text = null;
  }
  out.push(finish({ method: 'exif', bitOrder: null, bytes: body, text, evidence, truncated, terminated: false, marker: null, reasons, encoding }));
  return null;
}

/** A metadata field other than the UserComment that holds the same text (blanks collapsed), if any. */
function sameTextElsewhere(img: ContainerInfo, text: string): string | null {
  const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const t = norm(text);
  if (!t) return null;
  for (const [field, value] of ifd0Captions(img.exif)) if (norm(value) === t) return field;
  const dec = new TextDecoder();
  for (const f of img.text ?? []) {
    const values = f.kind === 'xmp' ? xmpValues(f.value).map((v) => [`xmp ${v.name}`, v.value] as const) : [[f.key ? `${f.kind} ${f.key}` : f.kind, dec.decode(trimTrailingNuls(f.value))] as const];
    for (const [field, value] of values) if (norm(value) === t) return field;
  }
  return null;
}

/**
 * Metadata text evidence never reaches the "found" level on its own: a comment or an XMP field is
 * visible to anyone who looks, so whether it hides a message is a question of intent that the
 * chance model cannot answer (a long legitimate description is as "unlikely by chance" as a hidden
 * one). The detector weighs these fields with everything else; extraction lists them.
 * Encoded or binary data in a text field is another matter (see blobEvidence): it is not capped.
 */
export const METADATA_MAX_EVIDENCE = 7;

/** Evidence that a base64/hex run or a binary value of a text field hides data (the chance model: confidence.ts). */
const E_ENCODED_TEXT = 3;
const E_BLOB_BASE = 2;
const BLOB_BYTES_PER_E = 16;
const E_FILE_SIGNATURE = 3;

interface BlobFinding {
  bytes: Uint8Array;
  text: string | null;
  evidence: number;
  encoding: 'base64' | 'hex' | null;
  what: string;
  /** The decoded bytes are this legitimate structure (metadataStructureOf): no evidence at all. */
  structure?: string;
}

/**
 * What a metadata value may hide beyond its visible text: its longest base64 or hex run decoded, or
 * (for a value that is not text) its own bytes. Structures legitimate writers encode into text
 * (thumbnails, EXIF/IPTC/ICC/XMP profiles) score nothing. Decoded text is a message someone chose
 * to encode: E_ENCODED_TEXT + its text evidence. Other bytes: E_BLOB_BASE + effective length /
 * BLOB_BYTES_PER_E, so a digest or an id (up to 64 bytes: SHA-512) stays below "found" and ~96+
 * bytes of non-repetitive unknown data reach it; a file signature (zip, pdf, …) adds 3.
 */
function blobEvidence(v: Uint8Array, isText: boolean): BlobFinding | null {
  let raw = v;
  let encoding: BlobFinding['encoding'] = null;
  if (isText) {
    const run = longestEncodedRun(v);
    if (!run) return null;
    raw = run.decoded;
    encoding = run.encoding;
  } else if (binaryShare(v) < 0.05) return null; // Latin-1 text, or a stray control byte
  const structure = metadataStructureOf(raw);
  if (structure) return { bytes: raw, text: null, evidence: -Infinity, encoding, what: `${encoding ? `${encoding} of ` : ''}${structure} data, as legitimate writers encode it`, structure };
  const t = isText ? textEvidence(raw) : null;
  if (t && t.text !== null && t.e > 0) return { bytes: raw, text: t.text, evidence: E_ENCODED_TEXT + t.e, encoding, what: `${encoding} of ${raw.length} bytes of text` };
  const sig = signatureOf(raw);
  const evidence = E_BLOB_BASE + effectiveLength(raw) / BLOB_BYTES_PER_E + (sig ? E_FILE_SIGNATURE : 0);
  return { bytes: raw, text: null, evidence, encoding, what: `${encoding ? `${encoding} of ` : ''}${raw.length} bytes of binary data${sig ? ` (a ${sig} file)` : ''}` };
}

/** One candidate per metadata text field (for XMP, its most telling value). Returns how many were added. */
function metadataCandidates(img: ContainerInfo, r: Resolved, out: PayloadCandidate[]): number {
  let added = 0;
  for (const f of img.text ?? []) {
    const values: { field: string; bytes: Uint8Array }[] =
      f.kind === 'xmp'
        ? xmpValues(f.value).map((v) => ({ field: `xmp ${v.name}`, bytes: new TextEncoder().encode(v.value) }))
        : [{ field: f.key ? `${f.kind} ${f.key}` : f.kind, bytes: trimTrailingNuls(f.value) }];
    let best: Draft | null = null;
    for (const v of values) {
      if (isBlank(v.bytes)) continue;
      const scan = textEvidence(v.bytes);
      // Visible text is capped (intent, not chance); the value kept is the one with the most evidence (a hidden text, not the tool name).
      const plain = Math.min(METADATA_MAX_EVIDENCE, scan.text !== null ? scan.e : 2 + Math.min(3, effectiveLength(v.bytes) / 50));
      const blob = blobEvidence(v.bytes, scan.text !== null);
      const evidence = Math.max(plain, blob?.evidence ?? -Infinity);
      if (best && best.evidence >= evidence) continue;
      const decoded = blob !== null && blob.evidence > plain;
      let bytes = decoded ? blob.bytes : v.bytes;
      let text = decoded ? blob.text : scan.text;
      const truncated = bytes.length > r.maxBytes;
      if (truncated) {
        bytes = bytes.subarray(0, r.maxBytes);
        text = null;
      }
      const reasons = [`${v.field} (${v.bytes.length} bytes, ${scan.text !== null ? 'printable text' : 'binary'})`];
      reasons.push(decoded || blob?.structure ? `holds ${blob!.what}` : 'metadata text: listed, never "found" by extraction alone');
      const field = decoded && blob.encoding ? `${v.field} (${blob.encoding})` : v.field;
      best = { method: 'exif', bitOrder: null, bytes, text, evidence, truncated, terminated: false, marker: null, reasons, field };
      if (blob?.structure) best.structure = blob.structure;
    }
    if (best) {
      out.push(finish(best));
      added++;
    }
  }
  return added;
}

function decodeUtf16(b: Uint8Array, littleEndian: boolean): string | null {
  let le = littleEndian;
  let start = 0;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) {
    le = true;
    start = 2;
  } else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    le = false;
    start = 2;
  }
  const s = decodeLabel(le ? 'utf-16le' : 'utf-16be', b.subarray(start));
  return s !== null && isPrintableString(s) ? s : null;
}

function decodeLabel(label: string, b: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true }).decode(b);
  } catch {
    return null;
  }
}

function isPrintableString(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/.test(s);
}

const SIGNATURES: [string, number[]][] = [
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]],
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['gif', [0x47, 0x49, 0x46, 0x38]],
  ['pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['riff', [0x52, 0x49, 0x46, 0x46]],
  ['elf', [0x7f, 0x45, 0x4c, 0x46]],
  ['pe', [0x4d, 0x5a]],
  ['pgp', [0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x42, 0x45, 0x47, 0x49, 0x4e, 0x20, 0x50, 0x47, 0x50]],
];

function signatureOf(b: Uint8Array): string | null {
  // ISO base media (MP4/MOV/HEIC): "ftyp" at offset 4, as in the motion photos some phones append.
  if (b.length >= 12 && b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70) return 'mp4';
  for (const [name, sig] of SIGNATURES) {
    if (b.length < sig.length + 4) continue;
    let ok = true;
    for (let i = 0; i < sig.length; i++) {
      if (b[i] !== sig[i]) {
        ok = false;
        break;
      }
    }
    if (ok) return name;
  }
  return null;
}

function eoiCandidate(img: ContainerInfo, bytes: Uint8Array, r: Resolved, out: PayloadCandidate[]): string | null {
  const end = img.end;
  if (!Number.isInteger(end) || end < 0 || end > bytes.length) {
    throw new StarlightError('E_INVALID_ARGUMENT', `image.end (${String(end)}) does not fit the ${bytes.length} bytes given`);
  }
  if (end >= bytes.length) return 'nothing after the end of the image';
  let tail = bytes.subarray(end);
  const reasons = [`${tail.length} bytes after the end of the ${img.format.toUpperCase()} container (offset ${end})`];
  let evidence = 0;
  let marker: 'AI42' | null = null;
  let terminated = false;
  if (startsWithAI42(tail)) {
    marker = 'AI42';
    evidence += E_AI42;
    reasons.push('AI42 marker');
    tail = tail.subarray(4);
    if (tail.length > 0 && tail[tail.length - 1] === 0) {
      tail = tail.subarray(0, tail.length - 1);
      terminated = true;
    }
  }
  let truncated = false;
  if (tail.length > r.maxBytes) {
    tail = tail.subarray(0, r.maxBytes);
    truncated = true;
  }
  const sig = signatureOf(tail);
  const t = textEvidence(tail);
  const text = t.text;
  if (tail.length > 0 && !marker && (distinctBytes(tail) === 1 || isBlank(tail))) {
    evidence += 0.5;
    reasons.push('padding only (one repeated byte or whitespace)');
  } else if (sig === 'jpeg' && img.pillowFormat === 'MPO') {
    evidence += 1;
    reasons.push('the further pictures of an MPO file');
  } else if (tail.length > 0) {
    evidence += 4;
    if (t.text !== null) {
      evidence += t.e;
      reasons.push(`printable UTF-8 text (${tail.length} bytes)`);
    } else {
      evidence += Math.min(5, effectiveLength(tail) / 40);
      reasons.push(`binary data (${tail.length} bytes)`);
    }
    if (sig) {
      evidence += 3;
      reasons.push(`an appended ${sig} file`);
    }
  }
  const d: Draft = { method: 'eoi', bitOrder: null, bytes: tail, text, evidence, truncated, terminated, marker, reasons, offset: end };
  if (sig) d.embeddedFile = sig;
  if (tail.length > 0 || marker) out.push(finish(d));
  return null;
}
