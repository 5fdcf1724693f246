/**
 * Clean phone-style files from real JPEGs (held-out set 1 wallpapers/photos): a Google motion photo (XMP
 * Container directory), a Samsung SEF trailer, and controls with the same bytes appended undeclared
 * (the video, or the SEF trailer plus one byte). Scan the folder: the first two must be clean, the controls eoi.
 * Usage: tsx tools/data/src/declared-trailers.ts OUT [covers-dir]; starlight scan --json OUT
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { insertJpegSegments } from '@starlight/embed';
const enc = new TextEncoder();
const cat = (...p: Uint8Array[]) => { const o = new Uint8Array(p.reduce((n, x) => n + x.length, 0)); let k = 0; for (const x of p) { o.set(x, k); k += x.length; } return o; };
const le16 = (n: number) => Uint8Array.of(n & 255, n >> 8);
const le32 = (n: number) => Uint8Array.of(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24);
const out = process.argv[2]!;
mkdirSync(out, { recursive: true });
const files = execSync(`find ${process.argv[3] ?? '.cache/heldout'} -iname '*.jpg' -size -3M | sort | head -40`).toString().trim().split('\n');
let seed = 1;
const rnd = () => ((seed = Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x9e3779b9) >>> 0) & 255;
files.forEach((f, i) => {
  const src = new Uint8Array(readFileSync(f));
  const video = cat(Uint8Array.of(0, 0, 0, 24), enc.encode('ftypmp42'), new Uint8Array(4), enc.encode('isommp42'), Uint8Array.from({ length: 20000 + 3000 * i }, rnd));
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" GCamera:MotionPhoto="1"><Container:Directory><rdf:Seq><rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Semantic="Primary" Item:Length="0" Item:Padding="0"/></rdf:li><rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="video/mp4" Item:Semantic="MotionPhoto" Item:Length="${video.length}"/></rdf:li></rdf:Seq></Container:Directory></rdf:Description></rdf:RDF></x:xmpmeta>`;
  writeFileSync(`${out}/motion-${i}.jpg`, cat(insertJpegSegments(src, { xmp }), video));
  const blocks: [number, string, Uint8Array][] = [[0x0a01, 'Image_UTC_Data', enc.encode(String(1458170015363 + i * 7777))], [0x0a20, 'Camera_Capture_Mode_Info', Uint8Array.of(1, 0, 0, 0)], ...(i % 2 ? ([[0x0a30, 'MotionPhoto_Data', video]] as [number, string, Uint8Array][]) : [])];
  const parts = blocks.map(([t, n, d]) => cat(le16(0), le16(t), le32(n.length), enc.encode(n), d));
  const data = cat(...parts);
  let at = 0;
  const entries = parts.map((p, k) => { const e = cat(le16(0), le16(blocks[k]![0]), le32(data.length - at), le32(p.length)); at += p.length; return e; });
  const dir = cat(enc.encode('SEFH'), le32(107), le32(blocks.length), ...entries);
  const sef = cat(data, dir, le32(dir.length), enc.encode('SEFT'));
  writeFileSync(`${out}/sef-${i}.jpg`, cat(src, sef));
  writeFileSync(`${out}/control-video-${i}.jpg`, cat(src, video));
  writeFileSync(`${out}/control-sef-${i}.jpg`, cat(src, sef, enc.encode('x')));
});
console.log(files.length, 'sources');
