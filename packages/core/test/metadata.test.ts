import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { computeExtraInputs, decodeImage, extractPayload, extractPayloadFromImage, readContainer, STATS_LEN, type DecodedImage } from '../src/index.js';
import { PATH_SCALES_PIXEL, PATH_SCALES_RGB } from '../src/features/index.js';
import { concat } from '../src/bytes.js';
import { gifWith, jpegWith, pngChunk, pngWith, webpWith } from './helpers/containers.js';
import { MAX_VALUE, xmpValues } from '../src/metadata.js';

const enc = new TextEncoder();
const cat = (...parts: Uint8Array[]) => concat(parts);

const IMAGES = join(process.cwd(), '../../../shared/fixtures/starlight-v4/images');
const fixture = (name: string) => new Uint8Array(readFileSync(join(IMAGES, name)));
const SECRET = 'meet me at the old lighthouse at midnight, bring the key';
const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmp:CreatorTool="GIMP 2.10"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">${SECRET.replace('&', '&amp;')}</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

describe('metadata text fields', () => {
  const png = fixture('clean-0004.png');
  const jpeg = fixture('clean-0003.jpg');

  it('PNG tEXt, zTXt and iTXt (plain and compressed) come back decoded, with their keywords', () => {
    const file = pngWith(
      png,
      pngChunk('tEXt', cat(enc.encode('Comment\0'), enc.encode(SECRET))),
      pngChunk('zTXt', cat(enc.encode('Description\0\0'), deflateSync(enc.encode(SECRET + ' (z)')))),
      pngChunk('iTXt', cat(enc.encode('Title\0\x01\0en\0Titel\0'), deflateSync(enc.encode('Ünïcode ' + SECRET)))),
      pngChunk('iTXt', cat(enc.encode('Author\0\0\0\0\0'), enc.encode('Jane'))),
    );
    const info = readContainer(file);
    expect(info.text.map((t) => [t.kind, t.key, new TextDecoder().decode(t.value)])).toEqual([
      ['png:tEXt', 'Comment', SECRET],
      ['png:zTXt', 'Description', SECRET + ' (z)'],
      ['png:iTXt', 'Title', 'Ünïcode ' + SECRET],
      ['png:iTXt', 'Author', 'Jane'],
    ]);
  });

  it('a zTXt that does not inflate keeps its raw bytes; a bomb is cut at MAX_VALUE', () => {
    const junk = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 255);
    const bomb = deflateSync(new Uint8Array(64 << 20));
    const info = readContainer(pngWith(png, pngChunk('zTXt', cat(enc.encode('Comment\0\0'), junk)), pngChunk('zTXt', cat(enc.encode('Comment\0\0'), bomb))));
    expect(info.text[0]!.value).toEqual(junk);
    expect(info.text[1]!.value.length).toBe(MAX_VALUE);
  });

  it('JPEG COM and APP1 XMP, GIF comment extensions and WebP XMP chunks are read', () => {
    const j = readContainer(jpegWith(jpeg, [0xfe, enc.encode(SECRET)], [0xe1, cat(enc.encode('http://ns.adobe.com/xap/1.0/\0'), enc.encode(XMP))]));
    expect(j.text.map((t) => t.kind)).toEqual(['jpeg:COM', 'xmp']);
    expect(new TextDecoder().decode(j.text[0]!.value)).toBe(SECRET);
    const long = enc.encode(SECRET.repeat(10)); // several 255-byte sub-blocks
    const g = readContainer(gifWith(fixture('clean-0001.gif'), long));
    expect(g.text).toEqual([{ kind: 'gif:comment', key: '', value: long }]);
    const w = readContainer(webpWith(fixture('clean-0000.webp'), enc.encode(XMP)));
    expect(w.text.map((t) => t.kind)).toEqual(['xmp']);
  });

  it('an XMP packet in a JPEG COM (ImageMagick: "XML:com.adobe.xmp: <?xpacket…"), a PNG tEXt or a GIF comment is read as XMP', () => {
    const com = readContainer(jpegWith(jpeg, [0xfe, enc.encode(`XML:com.adobe.xmp: ${XMP}`)], [0xfe, enc.encode('XML:com.adobe.xmp is a name')]));
    expect(com.text.map((t) => t.kind)).toEqual(['xmp', 'jpeg:COM']);
    expect(new TextDecoder().decode(com.text[0]!.value)).toBe(XMP);
    const p = readContainer(pngWith(png, pngChunk('tEXt', cat(enc.encode('XML:com.adobe.xmp\0'), enc.encode(`\n ${XMP}`)))));
    expect(p.text.map((t) => [t.kind, t.key])).toEqual([['xmp', 'XML:com.adobe.xmp']]);
    expect(xmpValues(p.text[0]!.value)).toContainEqual({ name: 'rdf:li', value: SECRET });
    expect(readContainer(gifWith(fixture('clean-0001.gif'), enc.encode(XMP))).text.map((t) => t.kind)).toEqual(['xmp']);
  });

  it('extended XMP portions are put back together by GUID and offset, whatever their order', () => {
    const full = enc.encode(XMP.replace(SECRET, `${SECRET} ${'0123456789ABCDEF'.repeat(40)}`));
    const portion = (guid: string, offset: number, bytes: Uint8Array) => {
      const head = new Uint8Array(8);
      new DataView(head.buffer).setUint32(0, full.length);
      new DataView(head.buffer).setUint32(4, offset);
      return [0xe1, cat(enc.encode('http://ns.adobe.com/xmp/extension/\0'), enc.encode(guid), head, bytes)] as [number, Uint8Array];
    };
    const g1 = 'D972DC24E6B1B3A1ABA3BD33290E55EC';
    const g2 = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const cut = 300;
    const info = readContainer(jpegWith(jpeg, portion(g1, cut, full.subarray(cut)), portion(g2, 0, full.subarray(0, 100)), portion(g1, 0, full.subarray(0, cut))));
    expect(info.text.map((t) => t.kind)).toEqual(['xmp', 'xmp']);
    expect(info.text[0]!.value).toEqual(full);
    expect(xmpValues(info.text[0]!.value).find((v) => v.name === 'rdf:li')!.value).toContain(SECRET);
    expect(info.text[1]!.value).toEqual(full.subarray(0, 100));
  });

  it('xmpValues lists element text and attribute values, not namespaces, with entities decoded', () => {
    const v = xmpValues(enc.encode(XMP.replace('midnight', 'midnight &amp; &#x263A;')));
    expect(v).toContainEqual({ name: 'xmp:CreatorTool', value: 'GIMP 2.10' });
    expect(v).toContainEqual({ name: 'rdf:li', value: SECRET.replace('midnight', 'midnight & \u263a') });
    expect(v.some((x) => x.value.startsWith('http://'))).toBe(false);
  });

  it('extraction lists each field as an exif candidate with its location, below the found level', async () => {
    const file = jpegWith(jpeg, [0xfe, enc.encode('Created with GIMP')], [0xe1, cat(enc.encode('http://ns.adobe.com/xap/1.0/\0'), enc.encode(XMP))]);
    const report = await extractPayload(file);
    const fields = report.candidates.filter((c) => c.field !== undefined);
    expect(fields.map((c) => c.field).sort()).toEqual(['jpeg:COM', 'xmp rdf:li']);
    expect(fields.find((c) => c.field === 'xmp rdf:li')!.text).toBe(SECRET);
    expect(Math.max(...fields.map((c) => c.evidence))).toBeLessThanOrEqual(7);
    expect(report.found).toBeNull();
    expect(report.skipped.find((s) => s.method === 'exif')).toBeUndefined();
  });

  describe('encoded and binary data in a text field', () => {
    // Deterministic pseudo-random bytes (what ciphertext or a compressed archive looks like).
    const noise = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (Math.imul(i + seed, 2654435761) >>> 13) & 255);
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const wrap = (s: string, n: number) => s.replace(new RegExp(`(.{${n}})(?=.)`, 'g'), '$1\n');
    const exifOf = async (file: Uint8Array) => (await extractPayload(file, { method: 'exif' })).candidates.filter((c) => c.field !== undefined);
    const comment = (value: Uint8Array | string, key = 'Comment') => pngWith(png, pngChunk('tEXt', cat(enc.encode(`${key}\0`), typeof value === 'string' ? enc.encode(value) : value)));

    it('base64 (wrapped or URL-safe) and hex of a message are decoded, reported with the encoding and found', async () => {
      for (const [value, encoding] of [
        [b64(enc.encode(SECRET)), 'base64'],
        [wrap(b64(enc.encode(SECRET + ' ' + SECRET)), 76), 'base64'],
        [b64(enc.encode(SECRET)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64'],
        [`id=${hex(enc.encode(SECRET)).toUpperCase()};`, 'hex'],
      ] as const) {
        const [c] = await exifOf(comment(value));
        expect(c!.field).toBe(`png:tEXt Comment (${encoding})`);
        expect(c!.text).toMatch(/^meet me at the old lighthouse/);
        expect(c!.evidence).toBeGreaterThanOrEqual(8);
      }
    });

    it('random bytes: found from about 96 bytes encoded or raw, not as a digest or an id', async () => {
      const [long] = await exifOf(comment(b64(noise(120))));
      expect(long!.bytes).toEqual(noise(120));
      expect(long!.text).toBeNull();
      expect(long!.evidence).toBeGreaterThanOrEqual(8);
      const [raw] = await exifOf(jpegWith(jpeg, [0xfe, noise(200)]));
      expect(raw!.evidence).toBeGreaterThanOrEqual(8);
      expect(raw!.field).toBe('jpeg:COM');
      for (const small of [hex(noise(64)), b64(noise(32)), `xmp.did:${hex(noise(16))}`]) expect((await exifOf(comment(small)))[0]!.evidence).toBeLessThan(8);
      const [zip] = await exifOf(comment(b64(cat(Uint8Array.of(0x50, 0x4b, 0x03, 0x04), noise(60)))));
      expect(zip!.reasons.join(' ')).toContain('a zip file');
      expect(zip!.evidence).toBeGreaterThanOrEqual(8);
    });

    it('legitimate encodings stay below the found level: thumbnails, raw profiles, Latin-1 text, words and paths', async () => {
      const thumb = cat(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0), noise(400));
      const exif = cat(enc.encode('Exif\0\0MM\0*'), noise(300));
      const rawProfile = `\nexif\n${String(exif.length).padStart(8)}\n${wrap(hex(exif), 72)}\n`;
      const files = [
        webpWith(fixture('clean-0000.webp'), enc.encode(XMP.replace('<dc:description>', `<xmpGImg:image>${wrap(b64(thumb), 76)}</xmpGImg:image><dc:description>`))),
        comment(rawProfile, 'Raw profile type exif'),
        comment(Uint8Array.from([...enc.encode('Copyright '), 0xa9, ...enc.encode(' 2024 Jos'), 0xe9, ...enc.encode(' M. Garc'), 0xed, 0x61])),
        comment('/usr/share/icons/hicolor/scalable/apps/org.gnome.SomethingVeryLongApplicationName/preferences-desktop-wallpaper'),
        comment('AVeryLongCamelCaseIdentifierThatKeepsGoingForAWhileWithoutAnySpacesInItAtAllReally'),
      ];
      for (const file of files) {
        const fields = await exifOf(file);
        expect(fields.length).toBeGreaterThan(0);
        for (const c of fields) {
          expect(c.evidence).toBeLessThanOrEqual(7);
          expect(c.field).not.toMatch(/\((base64|hex)\)$/);
        }
      }
      // what the encoded structures are is said, so that a scan never reports one as the payload
      expect((await exifOf(files[0]!)).map((c) => c.structure)).toEqual(['jpeg']);
      const [raw] = await exifOf(files[1]!);
      expect([raw!.structure, raw!.reasons.join(' ')]).toEqual(['exif', expect.stringContaining('holds hex of exif data')]);
      for (const file of files.slice(2)) expect((await exifOf(file)).every((c) => c.structure === undefined)).toBe(true);
    });
  });

  it('the detector sees metadata descriptors: none without text, the longest value described with it', async () => {
    const plain = await decodeImage(png);
    const withText = pngWith(png, pngChunk('tEXt', cat(enc.encode('Comment\0'), enc.encode(SECRET))));
    const img = await decodeImage(withText);
    const a = computeExtraInputs(plain, png, extractPayloadFromImage(plain, png)).stats;
    const b = computeExtraInputs(img, withText, extractPayloadFromImage(img, withText)).stats;
    expect(a.length).toBe(STATS_LEN);
    expect(Array.from(a.slice(64, 76))).toEqual(new Array(12).fill(0));
    expect(b[64]).toBeCloseTo(1 / 8); // one value
    expect(b[66]).toBeCloseTo(Math.log2(1 + SECRET.length) / 20);
    expect(b[67]).toBe(1); // printable
    expect(Array.from(b.slice(76))).toEqual(Array.from(a.slice(76))); // pixels unchanged: same WS estimates
  });
});

describe('weighted-stego LSB statistics', () => {
  const w = 128;
  const h = 128;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) rgb[(y * w + x) * 3 + c] = Math.round(60 + 50 * Math.sin(x / 9 + c) + 40 * Math.cos(y / 13));
  const base = {
    format: 'png',
    pillowFormat: 'PNG',
    width: w,
    height: h,
    mode: 'RGB',
    exif: new Uint8Array(0),
    text: [],
    end: 0,
    lossy: false,
    frames: 1,
    alpha: null,
    indices: null,
    palette: null,
  } as const;
  const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const stats = (px: Uint8Array, extra: Partial<DecodedImage> = {}) =>
    computeExtraInputs({ ...base, rgb: px, ...extra } as DecodedImage, new Uint8Array(0), { found: null, candidates: [], skipped: [] }).stats;
  /** LSB replacement with random bits of the values i (of the path's order) for which pick(i) holds. */
  const replace = (v: Uint8Array, pick: (i: number) => boolean, seed = 7) => {
    const rand = random(seed);
    return v.map((x, i) => (pick(i) ? (x & 0xfe) | (rand() < 0.5 ? 1 : 0) : x));
  };
  const RGB_PATH = 82;
  const ONE_CHANNEL = RGB_PATH + PATH_SCALES_RGB.length;
  const PALETTE = ONE_CHANNEL + PATH_SCALES_PIXEL.length;

  it('rate estimates are near 0 on a smooth cover and near the rate after LSB replacement of every pixel at random', () => {
    const c = stats(rgb);
    const s = stats(replace(rgb, () => true));
    for (let k = 76; k < 79; k++) {
      expect(Math.abs(c[k]!)).toBeLessThan(0.1);
      expect(s[k]!).toBeGreaterThan(0.8);
    }
  });

  it('the sequential path sees 16 random bytes at pixel (0,0), where the whole-image estimates cannot', () => {
    expect(STATS_LEN).toBe(PALETTE + PATH_SCALES_PIXEL.length);
    const c = stats(rgb);
    const s = stats(replace(rgb, (i) => i < 128)); // 128 bits: the first 43 pixels, all in row 0
    // sign(z) log1p(|z|) / 4: a cover that is not flat leaves z of 1-2, the payload 4-6 at 48 and 192 values
    for (const k of [RGB_PATH, RGB_PATH + 1]) expect(s[k]! - c[k]!).toBeGreaterThan(0.15);
    expect(Math.abs(s[76]! - c[76]!)).toBeLessThan(0.05);
    // one channel alone (every third value), then palette indices of a P image
    const oneChannel = stats(replace(rgb, (i) => i % 3 === 1 && i < 3 * 256));
    expect(oneChannel[ONE_CHANNEL + 2]! - c[ONE_CHANNEL + 2]!).toBeGreaterThan(0.15);
    expect(oneChannel[ONE_CHANNEL + 2]! - c[ONE_CHANNEL + 2]!).toBeGreaterThan(oneChannel[RGB_PATH + 2]! - c[RGB_PATH + 2]!);
    const indices = Uint8Array.from({ length: w * h }, (_, i) => 2 * (((i % w) >> 4) + 4 * ((i / w / 32) | 0)));
    const p = { mode: 'P', palette: new Uint8Array(768), indices } as const;
    expect(stats(rgb, p)[PALETTE + 2]!).toBeCloseTo(0);
    expect(stats(rgb, { ...p, indices: replace(indices, (i) => i < 256) })[PALETTE + 2]!).toBeGreaterThan(0.5);
  });
});

describe('a caption in several fields is not the exif method', () => {
  const jpeg = fixture('clean-0003.jpg');
  const CAPTION = 'Colorful cups. Aarhus, Denmark. Processed in digiKam with the 01 preset.';
  /** Little-endian TIFF: IFD0 (ImageDescription when given, Exif pointer) -> Exif IFD (UserComment, ASCII code). */
  function tiff(description: string | null, comment: string): Uint8Array {
    const desc = description === null ? null : enc.encode(description + '\0');
    const uc = cat(enc.encode('ASCII\0\0\0'), enc.encode(comment));
    const n0 = desc ? 2 : 1;
    const ifd0 = 8;
    const exifAt = ifd0 + 2 + 12 * n0 + 4;
    const data = exifAt + 2 + 12 + 4;
    const b = new Uint8Array(data + uc.length + (desc?.length ?? 0));
    const dv = new DataView(b.buffer);
    b.set([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]);
    dv.setUint16(ifd0, n0, true);
    let e = ifd0 + 2;
    if (desc) {
      dv.setUint16(e, 0x010e, true);
      dv.setUint16(e + 2, 2, true);
      dv.setUint32(e + 4, desc.length, true);
      dv.setUint32(e + 8, data + uc.length, true);
      b.set(desc, data + uc.length);
      e += 12;
    }
    dv.setUint16(e, 0x8769, true);
    dv.setUint16(e + 2, 4, true);
    dv.setUint32(e + 4, 1, true);
    dv.setUint32(e + 8, exifAt, true);
    dv.setUint16(exifAt, 1, true);
    dv.setUint16(exifAt + 2, 0x9286, true);
    dv.setUint16(exifAt + 4, 7, true);
    dv.setUint32(exifAt + 6, uc.length, true);
    dv.setUint32(exifAt + 10, data, true);
    b.set(uc, data);
    return b;
  }
  const app1 = (t: Uint8Array): [number, Uint8Array] => [0xe1, cat(enc.encode('Exif\0\0'), t)];
  const userComment = async (file: Uint8Array) => {
    const r = await extractPayload(file, { method: 'exif' });
    return { found: r.found, uc: r.candidates.find((c) => c.field === undefined)! };
  };

  it('a caption in the UserComment alone is found; written to COM or ImageDescription as well it is listed, not found', async () => {
    const alone = await userComment(jpegWith(jpeg, app1(tiff(null, CAPTION))));
    expect(alone.found?.text).toBe(CAPTION);
    const withCom = await userComment(jpegWith(jpeg, app1(tiff(null, CAPTION)), [0xfe, enc.encode(`  ${CAPTION.replace(/ /g, '  ')}\n`)]));
    expect(withCom.found).toBeNull();
    expect(withCom.uc.text).toBe(CAPTION);
    expect(withCom.uc.evidence).toBeLessThanOrEqual(7);
    expect(withCom.uc.reasons.join(' ')).toContain('the same text in jpeg:COM too');
    const withDescription = await userComment(jpegWith(jpeg, app1(tiff(CAPTION, CAPTION))));
    expect(withDescription.found).toBeNull();
    expect(withDescription.uc.reasons.join(' ')).toContain('exif ImageDescription');
  });

  it('other text elsewhere changes nothing', async () => {
    const r = await userComment(jpegWith(jpeg, app1(tiff('Holiday 2014', CAPTION)), [0xfe, enc.encode('Created with GIMP')]));
    expect(r.found?.text).toBe(CAPTION);
  });
});

describe('data after a JPEG end that its metadata declares', () => {
  const jpeg = fixture('clean-0003.jpg');
  const preview = fixture('clean-0040.jpg');
  const SOI_TIFF = 12; // SOI, APP1 marker and length, 'Exif\0\0': the TIFF header's file offset when APP1 comes first
  const zeros = (n: number) => new Uint8Array(n);
  /** Little-endian TIFF: IFD0 -> Exif IFD -> MakerNote as a plain IFD (Minolta): PreviewImageStart/Length. */
  function minoltaTiff(start: number, length: number): Uint8Array {
    const b = new Uint8Array(8 + 18 + 18 + 30);
    const dv = new DataView(b.buffer);
    b.set([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]);
    const entry = (at: number, tag: number, type: number, count: number, value: number) => {
      dv.setUint16(at, tag, true);
      dv.setUint16(at + 2, type, true);
      dv.setUint32(at + 4, count, true);
      dv.setUint32(at + 8, value, true);
    };
    dv.setUint16(8, 1, true);
    entry(10, 0x8769, 4, 1, 26); // IFD0 (next IFD: 0) -> Exif IFD at 26
    dv.setUint16(26, 1, true);
    entry(28, 0x927c, 7, 30, 44); // Exif IFD -> maker note at 44
    dv.setUint16(44, 2, true);
    entry(46, 0x0088, 4, 1, start);
    entry(58, 0x0089, 4, 1, length);
    return b;
  }
  /** The JPEG with a Minolta maker note, `pad` zero bytes after its EOI, then `after` (the declared preview). */
  function withPreview(pad: number, after: Uint8Array, declared = after.length): Uint8Array {
    const head = jpegWith(jpeg, [0xe1, cat(enc.encode('Exif\0\0'), minoltaTiff(0, 0))]);
    return cat(jpegWith(jpeg, [0xe1, cat(enc.encode('Exif\0\0'), minoltaTiff(head.length + pad - SOI_TIFF, declared))]), zeros(pad), after);
  }
  const spoiled = cat(Uint8Array.of(0x02), preview.subarray(1)); // Minolta cameras spoil the preview's first byte
  const eoi = async (file: Uint8Array) => (await extractPayload(file, { method: 'eoi' })).candidates.find((c) => c.method === 'eoi');

  it("a camera's preview image after EOI, declared by its maker note, belongs to the file", async () => {
    const file = withPreview(566, spoiled);
    expect(readContainer(file).end).toBe(file.length);
    expect(await eoi(file)).toBeUndefined();
  });

  it('data after the declared preview is still appended data', async () => {
    const file = cat(withPreview(16, spoiled), enc.encode(SECRET));
    expect(readContainer(file).end).toBe(file.length - SECRET.length);
    const c = await eoi(file);
    expect(c?.text).toBe(SECRET);
  });

  it('a declaration is believed only when a JPEG lies where it points and the gap is padding', async () => {
    const notJpeg = withPreview(16, enc.encode(SECRET.repeat(40)));
    const eoiAt = notJpeg.length - 16 - SECRET.length * 40;
    expect(readContainer(notJpeg).end).toBe(eoiAt);
    const gap = withPreview(16, spoiled);
    gap.fill(0x41, eoiAt, eoiAt + 16); // 'AAAA…' instead of padding
    expect(readContainer(gap).end).toBe(eoiAt);
    expect((await eoi(gap))?.bytes.length).toBe(16 + spoiled.length);
  });

  const video = cat(Uint8Array.of(0, 0, 0, 0x18), enc.encode('ftypmp42'), zeros(12), enc.encode('mdat'), Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) & 255));
  const xmpApp1 = (desc: string): [number, Uint8Array] => [
    0xe1,
    enc.encode(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${desc}</rdf:RDF></x:xmpmeta>`),
  ];
  const directory = (length: number) =>
    `<rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" GCamera:MotionPhoto="1"><Container:Directory><rdf:Seq><rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Semantic="Primary" Item:Length="0" Item:Padding="0"/></rdf:li><rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="video/mp4" Item:Semantic="MotionPhoto" Item:Length="${length}"/></rdf:li></rdf:Seq></Container:Directory></rdf:Description>`;

  it("a motion photo's video, declared by an XMP container directory or MicroVideoOffset, belongs to the file", async () => {
    const motion = cat(jpegWith(jpeg, xmpApp1(directory(video.length))), video);
    expect(readContainer(motion).end).toBe(motion.length);
    expect(await eoi(motion)).toBeUndefined();
    const micro = cat(jpegWith(jpeg, xmpApp1(`<rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MicroVideo="1" GCamera:MicroVideoOffset="${video.length}"/>`)), video);
    expect(readContainer(micro).end).toBe(micro.length);
  });

  it('a declared length that does not land on the declared kind of data changes nothing', async () => {
    const wrong = cat(jpegWith(jpeg, xmpApp1(directory(video.length + 5))), video);
    expect(readContainer(wrong).end).toBe(wrong.length - video.length);
    const hidden = cat(jpegWith(jpeg, xmpApp1(directory(200))), Uint8Array.from({ length: 200 }, (_, i) => (i * 31) & 255));
    expect(readContainer(hidden).end).toBe(hidden.length - 200);
    expect((await eoi(hidden))?.bytes.length).toBe(200);
  });
});

describe("Samsung's trailer (SEF)", () => {
  const jpeg = fixture('clean-0003.jpg');
  const le16 = (n: number) => Uint8Array.of(n & 255, n >> 8);
  const le32 = (n: number) => Uint8Array.of(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24);
  /** Data blocks [type, name, data], then the SEFH directory, its length and 'SEFT', as Galaxy phones write them. */
  function sef(blocks: [number, string, Uint8Array][]): Uint8Array {
    const parts = blocks.map(([type, name, data]) => cat(le16(0), le16(type), le32(name.length), enc.encode(name), data));
    const data = cat(...parts);
    let at = 0;
    const entries = parts.map((p, i) => {
      const e = cat(le16(0), le16(blocks[i]![0]), le32(data.length - at), le32(p.length));
      at += p.length;
      return e;
    });
    const dir = cat(enc.encode('SEFH'), le32(101), le32(blocks.length), ...entries);
    return cat(data, dir, le32(dir.length), enc.encode('SEFT'));
  }
  const trailer = sef([
    [0x0a01, 'Image_UTC_Data', enc.encode('1458170015363')],
    [0x0a20, 'Camera_Capture_Mode_Info', Uint8Array.of(1, 0, 0, 0, 0x30, 0x31)],
  ]);

  it('belongs to the file; data appended after it does not', async () => {
    const file = cat(jpeg, trailer);
    expect(readContainer(file).end).toBe(file.length);
    expect((await extractPayload(file, { method: 'eoi' })).candidates).toHaveLength(0);
    const spoofed = cat(jpeg, trailer, enc.encode(SECRET));
    expect(readContainer(spoofed).end).toBe(jpeg.length);
  });

  it('a directory whose entries do not point at named blocks is not believed', () => {
    const broken = cat(jpeg, trailer);
    const name = jpeg.length + 8; // the first block's name
    broken[name] = 0x01;
    expect(readContainer(broken).end).toBe(jpeg.length);
  });
});

describe('GIF bytes after the trailer or a miscounted sub-block that belong to the file', () => {
  const small = fixture('clean-0001.gif');
  const big = fixture('clean-0036.gif');
  /** `small` written over `big` without truncating the file: big's last bytes stay after small's trailer. */
  const overwritten = cat(small, big.subarray(small.length));
  const endOf = async (file: Uint8Array) => (await readContainer(file)).end;
  const eoi = async (file: Uint8Array) => (await extractPayload(file, { method: 'eoi' })).candidates.find((c) => c.method === 'eoi');
  let seed = 7;
  const random = (n: number) => Uint8Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff);
  const GIF_END = Uint8Array.of(0x00, 0x3b);

  it('is part of the file, not appended data', async () => {
    expect(big.length - small.length).toBeGreaterThan(256); // long enough that the structure is checked
    expect(await endOf(overwritten)).toBe(overwritten.length);
    expect(await eoi(overwritten)).toBeUndefined();
    const short = cat(small, big.subarray(big.length - 40));
    expect(await endOf(short)).toBe(short.length);
  });

  it('is not believed for bytes that do not end a GIF, hold text, a marker or a file, or do not parse', async () => {
    const cases = {
      noTrailer: cat(small, big.subarray(small.length, big.length - 1)),
      text: cat(small, enc.encode('meet me at the old mill at midnight, bring the key'), GIF_END),
      marker: cat(small, enc.encode('AI42'), random(40), GIF_END),
      gif: cat(small, small),
      longRandom: cat(small, random(3000), GIF_END),
    };
    for (const [name, file] of Object.entries(cases)) {
      expect([name, await endOf(file)]).toEqual([name, small.length]);
      expect([name, (await eoi(file))?.offset]).toEqual([name, small.length]);
    }
  });

  /** Offset of the length byte of the last data sub-block of a one-frame GIF's image data. */
  function lastSubBlock(gif: Uint8Array): number {
    let o = 13 + (gif[10]! & 0x80 ? 3 << ((gif[10]! & 7) + 1) : 0);
    const skip = (at: number) => {
      let last = at;
      while (gif[at] !== 0) at += 1 + gif[(last = at)]!;
      return [at + 1, last];
    };
    while (gif[o] === 0x21) o = skip(o + 2)[0]!;
    expect(gif[o]).toBe(0x2c);
    const flags = gif[o + 9]!;
    return skip(o + 11 + (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0))[1]!;
  }

  it('a last sub-block miscounted by one (terminator read as data, trailer as a length) ends the file; data after complete LZW data is appended', async () => {
    const at = lastSubBlock(small);
    expect(small[at]).toBeLessThan(255);
    expect(small.subarray(small.length - 2)).toEqual(GIF_END);
    const miscounted = small.slice();
    miscounted[at] = small[at]! + 1;
    expect(await endOf(miscounted)).toBe(miscounted.length);
    expect(await eoi(miscounted)).toBeUndefined();
    expect((await decodeImage(miscounted)).indices).toEqual((await decodeImage(small)).indices);
    // The terminator and trailer removed and bytes appended: the LZW data ends where it did, and what follows is appended.
    const appended = cat(small.subarray(0, small.length - 2), random(300));
    const found = await eoi(appended);
    expect(found?.offset).toBeLessThanOrEqual(small.length - 2);
    expect(found?.offset).toBeGreaterThan(at);
  });
});
