import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { BIN, EX, FIX, ROOT, RECORD_KEYS, ndjson, parseCsv, run, withoutTimings, type Json } from './helpers.js';

const EXAMPLES_GLOB = 'examples/*.{png,gif,jpg,webp}';
// The shipped examples: clean-* are clean, the others are stego, their method in the name (seed1_lsb_000.png: lsb.rgb).
const EXAMPLES = readdirSync(EX)
  .filter((f) => /\.(png|gif|jpg|webp)$/.test(f))
  .sort();
const STEGO_METHOD: Record<string, string> = Object.fromEntries(
  EXAMPLES.filter((f) => !f.startsWith('clean')).map((f) => {
    const m = /^(?:seed\d|tiny)_(alpha|palette|lsb|exif|eoi)_/.exec(f)![1]!;
    return [f, m === 'lsb' ? 'lsb.rgb' : m];
  }),
);
const STEGO = EXAMPLES.filter((f) => f in STEGO_METHOD);
const CLEAN = EXAMPLES.filter((f) => !(f in STEGO_METHOD));
const BAD_PNG = join(FIX, 'images/bad_truncated_png.png');
const sidecarPayload = (file: string): Buffer => Buffer.from(JSON.parse(readFileSync(join(FIX, 'sidecars', `${file}.json`), 'utf8')).payload_b64, 'base64');

let tmp: string;
let textFile: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'starlight-cli-'));
  textFile = join(tmp, 'notes.txt');
  writeFileSync(textFile, 'just some text, not an image\n');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('starlight scan: verdicts and exit codes', () => {
  it('finds the stego examples (one per method) with payloads; quoted globs are expanded; ndjson and silent stderr when piped; exit 1', () => {
    expect(CLEAN.length).toBeGreaterThanOrEqual(4);
    expect(new Set(Object.values(STEGO_METHOD)).size).toBeGreaterThanOrEqual(4);
    const r = run(['scan', EXAMPLES_GLOB]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const recs = ndjson(r.stdout);
    expect(recs.map((x) => x.file)).toEqual(EXAMPLES.map((f) => `examples/${f}`));
    for (const rec of recs) {
      expect(Object.keys(rec)).toEqual(RECORD_KEYS);
      const name = rec.file.slice('examples/'.length);
      expect(rec.error).toBeNull();
      expect(rec.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(rec.stego).toBe(name in STEGO_METHOD);
      expect(rec.method).toBe(STEGO_METHOD[name] ?? null);
      if (rec.stego) expect(rec.payload.method).toBe(STEGO_METHOD[name]);
      else expect(rec.payload).toBeNull();
    }
    const byName = Object.fromEntries(recs.map((x) => [x.file.slice('examples/'.length), x]));
    expect(byName['seed1_lsb_000.png'].payload.text).toBe(sidecarPayload('seed1_lsb_000.png').toString('utf8'));
    expect(byName['tiny_eoi_001.jpg'].payload.text).toBe('tiny; fixture payload (<100 B) v4\n');
  });

  it('a long command line (a shell glob of hundreds of paths) does not crash the scan workers', () => {
    // 40 KB of arguments once overflowed the workers' 4 MB stacks inside onnxruntime-node: SIGSEGV, no output.
    const missing = `${'x'.repeat(40_000)}.png`;
    const r = run(['scan', `examples/${CLEAN[0]}`, missing]);
    expect(r.code).toBe(2);
    const recs = ndjson(r.stdout);
    expect(recs.map((x) => [x.stego, x.error?.code ?? null])).toEqual([
      [false, null],
      [null, 'E_IO'],
    ]);
  });

  it('exits 0 when every file is clean', () => {
    const r = run(['scan', ...CLEAN.map((f) => join(EX, f))]);
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout).map((x) => x.stego)).toEqual(CLEAN.map(() => false));
  });

  it('reports non-image, missing and corrupt files with their error codes, still scans the rest, and 2 wins over 1', () => {
    const missing = join(tmp, 'missing.png');
    const r = run(['scan', textFile, join(EX, 'seed1_lsb_000.png'), missing, BAD_PNG]);
    expect(r.code).toBe(2);
    const recs = ndjson(r.stdout);
    expect(recs.map((x) => x.file)).toEqual([textFile, join(EX, 'seed1_lsb_000.png'), missing, BAD_PNG]);
    expect(recs.map((x) => x.error?.code ?? null)).toEqual(['E_UNSUPPORTED_FORMAT', null, 'E_IO', 'E_TRUNCATED']);
    expect(recs[1].stego).toBe(true);
    for (const i of [0, 2, 3]) {
      expect(Object.keys(recs[i])).toEqual(RECORD_KEYS);
      expect(recs[i].stego).toBeNull();
      expect(recs[i].error.message.length).toBeGreaterThan(0);
    }
    expect(recs[2].error.message).toContain('ENOENT');
  });

  it('matches the reference fixtures: exif stego found and extracted, bad files fail with typed errors', () => {
    const manifest = JSON.parse(readFileSync(join(FIX, 'manifest.json'), 'utf8')) as { entries: { file: string; error?: unknown }[] };
    const r = run(['scan', join(FIX, 'images/{seed1_exif,seed2_exif,bad_}*')]);
    expect(r.code).toBe(2);
    const recs = ndjson(r.stdout);
    const names = recs.map((x) => x.file.split('/').pop());
    expect(names).toEqual(manifest.entries.map((e) => e.file).filter((f) => /^(seed[12]_exif|bad_)/.test(f)).sort());
    const CODES = ['E_UNSUPPORTED_FORMAT', 'E_CORRUPT_IMAGE', 'E_TRUNCATED', 'E_DECODER'];
    for (const [i, rec] of recs.entries()) {
      const ref = manifest.entries.find((e) => e.file === names[i])!;
      if (ref.error) expect(CODES).toContain(rec.error?.code);
      else expect(rec.error).toBeNull();
      if (names[i].includes('_exif_')) {
        expect(rec).toMatchObject({ stego: true, method: 'exif' });
        expect(rec.payload.method).toBe('exif');
        expect(rec.payload.text).toBe(sidecarPayload(names[i]).toString('utf8'));
      }
    }
    expect(recs.find((x) => x.file.endsWith('bad_zero_bytes.png')).error.code).toBe('E_UNSUPPORTED_FORMAT');
    expect(recs.find((x) => x.file.endsWith('bad_truncated_gif.gif')).error.code).toBe('E_TRUNCATED');
  });
});

describe('starlight scan: inputs', () => {
  let tree: string;
  beforeAll(() => {
    tree = join(tmp, 'tree');
    mkdirSync(join(tree, 'b/e'), { recursive: true });
    copyFileSync(join(EX, 'clean-0004.png'), join(tree, 'a.png'));
    copyFileSync(join(EX, 'seed1_lsb_000.png'), join(tree, '.hidden.png'));
    copyFileSync(join(EX, 'seed2_palette_000.gif'), join(tree, 'b/c.gif'));
    writeFileSync(join(tree, 'b/d.txt'), 'hello');
    copyFileSync(join(EX, 'tiny_eoi_001.jpg'), join(tree, 'b/e/f.jpg'));
    copyFileSync(join(EX, 'clean-0000.webp'), join(tree, 'z.webp'));
    symlinkSync(join(tree, 'nowhere.png'), join(tree, 'broken.png'));
    symlinkSync(join(tree, 'b'), join(tree, 'loop')); // a symlinked directory: not followed
  });

  it('walks a folder recursively in code-point order, reporting the non-image and the broken link', () => {
    const r = run(['scan', tree]);
    expect(r.code).toBe(2);
    const recs = ndjson(r.stdout);
    expect(recs.map((x) => relative(tree, x.file))).toEqual(['.hidden.png', 'a.png', 'b/c.gif', 'b/d.txt', 'b/e/f.jpg', 'broken.png', 'z.webp']);
    expect(recs.map((x) => x.error?.code ?? (x.stego ? 'stego' : 'clean'))).toEqual(['stego', 'clean', 'stego', 'E_UNSUPPORTED_FORMAT', 'stego', 'E_IO', 'clean']);
    expect(recs[5].error.message).toContain('broken symbolic link');
  });

  it('expands globs (files only, *, **, braces, no dotfiles, symlinked folders not followed); a glob without matches is an E_IO error', () => {
    const r = run(['scan', `${tree}/**/*.png`, `${tree}/*.{gif,jpg,webp}`, `${tree}/**/*.{gif,jpg}`, `${tree}/nothing-*.png`]);
    expect(r.code).toBe(2);
    const recs = ndjson(r.stdout);
    // A broken link that matches is reported (E_IO), as a missing file named on the command line is.
    expect(recs.map((x) => relative(tree, x.file))).toEqual(['a.png', 'broken.png', 'z.webp', 'b/c.gif', 'b/e/f.jpg', 'nothing-*.png']);
    expect(recs.map((x) => x.error?.code ?? null)).toEqual([null, 'E_IO', null, null, null, 'E_IO']);
    expect(recs[5].error).toEqual({ code: 'E_IO', message: `no files match ${tree}/nothing-*.png` });
  });

  it('reads standard input with -, once', () => {
    const r = run(['scan', '-'], { input: readFileSync(join(EX, 'seed2_palette_000.gif')) });
    expect(r.code).toBe(1);
    const [rec] = ndjson(r.stdout);
    expect(rec).toMatchObject({ file: '-', format: 'gif', stego: true, method: 'palette' });
    expect(run(['scan', '-', '-']).code).toBe(64);
  });

  it('--concurrency 2 yields the same records in the same order as --concurrency 1', () => {
    const args = ['scan', join(FIX, 'images/{seed,bad,tiny}*'), join(tmp, 'missing.gif'), join(FIX, 'images/clean-00*')];
    const one = run([...args, '--concurrency', '1']);
    const two = run([...args, '-j', '2']);
    expect(one.code).toBe(2);
    expect(two.code).toBe(2);
    const a = ndjson(one.stdout).map(withoutTimings);
    const b = ndjson(two.stdout).map(withoutTimings);
    expect(a.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
  });
});

describe('starlight scan: output formats', () => {
  const args = ['scan', EXAMPLES_GLOB, BAD_PNG];
  let reference: Json[];
  beforeAll(() => {
    reference = ndjson(run([...args, '--json']).stdout).map(withoutTimings);
    expect(reference).toHaveLength(EXAMPLES.length + 1);
  });

  it('json: one array holding the ndjson records', () => {
    const r = run([...args, '--format', 'json']);
    expect(r.code).toBe(2);
    const arr = JSON.parse(r.stdout) as Json[];
    expect(Array.isArray(arr)).toBe(true);
    expect(arr.map(withoutTimings)).toEqual(reference);
    expect(JSON.parse(run(['scan', `${tmp}/nothing-*`, '-f', 'json']).stdout)).toHaveLength(1);
  });

  it('csv: a header row and RFC 4180 rows that parse back to the records', () => {
    const r = run([...args, '--format', 'csv']);
    expect(r.code).toBe(2);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(['file', 'sha256', 'format', 'width', 'height', 'mode', 'stego', 'probability', 'method', 'bitOrder', 'payloadMethod', 'payloadBitOrder', 'payloadChannel', 'payloadField', 'payloadLength', 'payloadTruncated', 'payloadText', 'payloadHex', 'errorCode', 'errorMessage']);
    expect(rows).toHaveLength(reference.length + 1);
    const col = (name: string): number => rows[0]!.indexOf(name);
    for (const [i, rec] of reference.entries()) {
      const row = rows[i + 1]!;
      expect(row).toHaveLength(rows[0]!.length);
      expect(row[col('file')]).toBe(rec.file);
      expect(row[col('stego')]).toBe(rec.stego === null ? '' : String(rec.stego));
      expect(row[col('probability')]).toBe(rec.probability === null ? '' : String(rec.probability));
      expect(row[col('payloadText')]).toBe(rec.payload?.text ?? '');
      expect(row[col('payloadHex')]).toBe(rec.payload?.hex ?? '');
      expect(row[col('errorCode')]).toBe(rec.error?.code ?? '');
      expect(row[col('errorMessage')]).toBe(rec.error?.message ?? '');
    }
    // The poem has commas, quotes and newlines: quoting must have carried them through.
    expect(rows.find((row) => row[0] === 'examples/seed1_lsb_000.png')![col('payloadText')]).toContain('"A beautiful new day,"\nAs tears');
  });

  it('sarif: valid SARIF 2.1.0 (official schema), one run, rules per method and error, findings and errors as results', () => {
    const outside = join(tmp, 'outside dir');
    mkdirSync(outside, { recursive: true });
    copyFileSync(join(EX, 'tiny_eoi_001.jpg'), join(outside, 'eoi #1.jpg'));
    const r = run([...args, join(outside, 'eoi #1.jpg'), '-', '--format', 'sarif'], { input: readFileSync(join(EX, 'seed1_alpha_000.png')) });
    expect(r.code).toBe(2);
    const log = JSON.parse(r.stdout);

    const require = createRequire(import.meta.url);
    const Ajv = require('ajv-draft-04');
    const addFormats = require('ajv-formats');
    // The schema as shipped by Microsoft's SARIF SDK (schemastore's sarif-2.1.0-rtm.5, JSON Schema draft-04).
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    // unicodeRegExp off: one of the schema's language-tag patterns is not a valid /u regular expression.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    // The validator bites: a relative URI with a space is not a uri-reference; a result needs a message.
    const broken = structuredClone(log);
    broken.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'not a uri';
    delete broken.runs[0].results[1].message;
    expect(validate(broken)).toBe(false);

    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const [runObj] = log.runs;
    expect(runObj.tool.driver.name).toBe('starlight');
    const ruleIds = runObj.tool.driver.rules.map((x: Json) => x.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['starlight/alpha', 'starlight/palette', 'starlight/lsb.rgb', 'starlight/exif', 'starlight/eoi', 'starlight/error/E_TRUNCATED', 'starlight/error/E_IO']));
    const results = runObj.results as Json[];
    // The stego examples, the corrupt PNG, the copied eoi file and stdin, in input order; clean files are not results.
    expect(results.map((x) => [x.ruleId, x.level])).toEqual([
      ...STEGO.map((f) => [`starlight/${STEGO_METHOD[f]}`, 'error']),
      ['starlight/error/E_TRUNCATED', 'warning'],
      ['starlight/eoi', 'error'],
      ['starlight/alpha', 'error'],
    ]);
    for (const res of results) expect(ruleIds[res.ruleIndex]).toBe(res.ruleId);
    const loc = (i: number): Json => results[i].locations[0].physicalLocation.artifactLocation;
    const lsb = STEGO.indexOf('seed1_lsb_000.png');
    const n = STEGO.length;
    expect(loc(lsb)).toEqual({ uri: 'examples/seed1_lsb_000.png', uriBaseId: '%SRCROOT%' });
    expect(runObj.originalUriBaseIds['%SRCROOT%'].uri).toBe(pathToFileURL(ROOT + '/').href);
    expect(loc(n).uri).toBe(pathToFileURL(BAD_PNG).href);
    expect(loc(n + 1).uri).toBe(pathToFileURL(join(outside, 'eoi #1.jpg')).href);
    expect(loc(n + 1).uri).toContain('outside%20dir/eoi%20%231.jpg');
    expect(loc(n + 2).description.text).toBe('standard input');
    expect(results[lsb].properties).toMatchObject({ method: 'lsb.rgb', bitOrder: 'msb-first', payload: { method: 'lsb.rgb', length: 714 } });
    expect(results[lsb].properties.probability).toBe(reference.find((x) => x.file === 'examples/seed1_lsb_000.png').probability);
    expect(results[n].message.text).toContain('E_TRUNCATED');
    expect(runObj.invocations[0]).toMatchObject({ executionSuccessful: true, exitCode: 2 });
  });

  it('table: one line per file, payloads and errors under them, a summary', () => {
    const r = run([...args, '--format', 'table']);
    expect(r.code).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^VERDICT\s+PROB\s+METHOD\s+FORMAT\s+SIZE\s+FILE$/);
    const p = reference.find((x) => x.file === 'examples/seed1_lsb_000.png').probability.toFixed(4);
    expect(lines).toContain(`STEGO    ${p}  lsb.rgb  png    256x256    examples/seed1_lsb_000.png`);
    expect(r.stdout).toContain('    payload (eoi, 34 B): "tiny; fixture payload (<100 B) v4\\n"');
    expect(r.stdout).toMatch(/ERROR .*\/bad_truncated_png\.png\n {4}E_TRUNCATED: /);
    expect(r.stdout).toContain(`\n${EXAMPLES.length + 1} files: ${STEGO.length} stego, ${CLEAN.length} clean, 1 error (`);
  });

  it('a terminal gets the table by default and a progress bar (count, rate, ETA) on stderr', () => {
    // script(1) runs the command on a pseudo-terminal (stdout and stderr are both the terminal).
    const cmd = [process.execPath, BIN, 'scan', EXAMPLES_GLOB].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', input: '' });
    expect(r.status).toBe(1);
    const ERASE = '\r\u001b[K';
    expect(r.stdout).toContain(ERASE);
    const bar = new RegExp(`^\\[[#.]+\\]\\s+\\d+% \\d+/${EXAMPLES.length} [\\d.]+ img/s ETA \\S+$`);
    expect(r.stdout.split(ERASE).some((s) => bar.test(s))).toBe(true);
    expect(r.stdout).toContain('VERDICT');
    expect(r.stdout).toContain(`${EXAMPLES.length} files: ${STEGO.length} stego, ${CLEAN.length} clean, 0 errors`);
  });

  it('Ctrl-C finishes the files in flight and closes the output properly (a complete JSON array); exit 130', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', join(FIX, 'images'), '--format', 'json', '-j', '1'], { cwd: ROOT });
    let out = '';
    let sent = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!sent && out.includes('"file"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise((done) => child.on('close', done));
    expect(code).toBe(130);
    const arr = JSON.parse(out) as Json[];
    expect(arr.length).toBeGreaterThan(0);
    expect(arr.length).toBeLessThan(100); // of 153
  });

  it('--output writes the file (format from its extension) and nothing to stdout; an unwritable output is exit 2', () => {
    const file = join(tmp, 'report.csv');
    const r = run([...args, '--output', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const rows = parseCsv(readFileSync(file, 'utf8'));
    expect(rows.map((row) => row[0])).toEqual(['file', ...reference.map((x) => x.file)]);
    const nd = join(tmp, 'report.out');
    expect(run([...args, '-o', nd]).code).toBe(2);
    expect(ndjson(readFileSync(nd, 'utf8')).map(withoutTimings)).toEqual(reference);
    const bad = run([...args, '-o', join(tmp, 'no/such/dir/x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('E_IO');
  });

  it('--quiet prints only the files with a finding or an error', () => {
    const r = run([...args, '--quiet', '--format', 'ndjson']);
    expect(r.code).toBe(2);
    expect(ndjson(r.stdout).map(withoutTimings)).toEqual(reference.filter((x) => x.stego || x.error));
    const t = run(['scan', '-q', '-f', 'table', join(EX, 'clean-0004.png')]);
    expect(t).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('starlight scan: options', () => {
  it('--no-extract leaves the payload out (the verdict stays); the last of --extract/--no-extract wins', () => {
    const r = run(['scan', join(EX, 'seed1_lsb_000.png'), join(EX, 'tiny_eoi_001.jpg'), '--no-extract']);
    expect(r.code).toBe(1);
    for (const rec of ndjson(r.stdout)) expect(rec).toMatchObject({ stego: true, payload: null });
    const back = ndjson(run(['scan', join(EX, 'tiny_eoi_001.jpg'), '--no-extract', '--extract']).stdout);
    expect(back[0].payload.length).toBe(34);
  });

  it('--threshold moves the decision, not the probabilities', () => {
    const files = EXAMPLES.map((f) => join(EX, f));
    const base = ndjson(run(['scan', ...files]).stdout);
    const probs = [...new Set(base.map((x) => x.probability as number))].sort((a, b) => a - b);
    for (const t of [(probs[0]! + probs[1]!) / 2, (probs[probs.length - 2]! + probs[probs.length - 1]!) / 2]) {
      const r = run(['scan', ...files, '--threshold', String(t)]);
      const recs = ndjson(r.stdout);
      expect(recs.map((x) => x.probability)).toEqual(base.map((x) => x.probability));
      expect(recs.map((x) => x.stego)).toEqual(base.map((x) => x.probability >= t));
      expect(r.code).toBe(recs.some((x) => x.stego) ? 1 : 0);
    }
  });

  it('--model: a bad file is a typed error (E_MODEL / E_IO) and exit 2; the shipped model by path works', () => {
    const notModel = join(tmp, 'model.onnx');
    writeFileSync(notModel, 'this is not an ONNX model');
    const bad = run(['scan', join(EX, 'clean-0004.png'), '--model', notModel]);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^starlight: E_MODEL: /);
    const missing = run(['scan', join(EX, 'clean-0004.png'), '--model', join(tmp, 'nope.onnx')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^starlight: E_IO: /);
    const good = run(['scan', join(EX, 'tiny_eoi_001.jpg'), '--model', join(ROOT, 'packages/model/starlight.onnx')]);
    expect(good.code).toBe(1);
    expect(ndjson(good.stdout)[0].model.name).toBe('starlight-detector');
  });

  it('usage errors exit 64 with a message', () => {
    const cases = [
      ['scan'],
      ['scan', 'x.png', '--bogus'],
      ['scan', 'x.png', '--format', 'xml'],
      ['scan', 'x.png', '--json', '--format', 'csv'],
      ['scan', 'x.png', '--threshold', '1'],
      ['scan', 'x.png', '--threshold', 'abc'],
      ['scan', 'x.png', '--concurrency', '0'],
      ['scan', 'x.png', '-j', '1.5'],
      ['scan', 'x.png', '--model'],
      ['frobnicate'],
      ['help', 'frobnicate'],
    ];
    for (const args of cases) {
      const r = run(args);
      expect({ args, code: r.code }).toEqual({ args, code: 64 });
      expect(r.stderr).toMatch(/^starlight: /);
    }
  });

  it('--help with examples, --version', () => {
    const scan = run(['scan', '--help']);
    expect(scan.code).toBe(0);
    for (const s of ['Examples:', 'Exit status', '--quiet', '--no-extract', 'sarif']) expect(scan.stdout).toContain(s);
    expect(run(['help', 'scan']).stdout).toBe(scan.stdout);
    const top = run(['--help']).stdout;
    for (const s of ['starlight scan', 'starlight extract', 'starlight streams', 'Examples:']) expect(top).toContain(s);
    expect(run(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('starlight scan: unreadable file', () => {
  it('is an E_IO result and the rest is still scanned', () => {
    // A file that exists and cannot be read, even by root: reading /proc/self/mem from offset 0 fails with EIO.
    const r = run(['scan', '/proc/self/mem', join(EX, 'clean-0003.jpg')]);
    expect(r.code).toBe(2);
    const recs = ndjson(r.stdout);
    expect(recs.map((x) => x.error?.code ?? null)).toEqual(['E_IO', null]);
    expect(recs[0].error.message).toContain('EIO');
  });
});
