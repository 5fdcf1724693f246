"""Check embedder samples with Pillow (the reference's own reader): every file opens and decodes,
lossless pixels hash as the embedder says, and each Starlight payload reads back the way the
reference's extraction rules describe (docs STEGO_FORMATS.md). Usage: python3 check-pillow.py DIR"""
import hashlib, json, os, sys
from PIL import Image

d = sys.argv[1]
manifest = json.load(open(os.path.join(d, 'manifest.json')))
ok = bad = 0

def bits_to_bytes(bits, order):
    out = bytearray()
    for i in range(0, len(bits) - 7, 8):
        b = 0
        for j in range(8):
            b |= (bits[i + j] & 1) << (7 - j if order == 'msb-first' else j)
        if b == 0:
            break
        out.append(b)
    return bytes(out)

for e in manifest:
    p = os.path.join(d, e['file'])
    problems = []
    try:
        im = Image.open(p)
        im.load()
        if e.get('width') and im.size != (e['width'], e['height']):
            problems.append(f'size {im.size}')
        m = e.get('method')
        want = e.get('payload', '').encode()
        if e.get('pixelsSha256'):
            px = im.convert('RGBA' if e['channels'] == 4 else 'RGB').tobytes()
            if hashlib.sha256(px).hexdigest() != e['pixelsSha256']:
                problems.append('pixels differ')
        if m == 'alpha':
            a = list(im.convert('RGBA').getchannel('A').getdata())
            got = bits_to_bytes([v & 1 for v in a], e['bitOrder'])
            if got != b'AI42' + want + b' ':
                problems.append(f'alpha payload {got[:20]!r}')
        elif m == 'palette':
            idx = list(im.getdata()) if im.mode in ('P', 'L') else None
            if idx is None:
                problems.append(f'mode {im.mode}')
            elif bits_to_bytes([v & 1 for v in idx], e['bitOrder']) != want:
                problems.append('palette payload')
        elif m == 'lsb.rgb':
            flat = [v for px in im.convert('RGB').getdata() for v in px]
            if bits_to_bytes([v & 1 for v in flat], e['bitOrder']) != want:
                problems.append('lsb payload')
        elif m == 'exif':
            uc = im.getexif().get_ifd(0x8769).get(0x9286)
            if uc is None or bytes(uc)[8:] != want:
                problems.append(f'exif UserComment {uc!r:.40}')
        elif m == 'eoi':
            raw = open(p, 'rb').read()
            if not (raw.endswith(want) or raw.endswith(want + b'\0')):
                problems.append('eoi tail')
    except Exception as ex:  # noqa: BLE001
        problems.append(f'{type(ex).__name__}: {ex}')
    if problems:
        bad += 1
        print('FAIL', e['file'], '; '.join(problems))
    else:
        ok += 1
print(f'Pillow {Image.__version__ if hasattr(Image, "__version__") else ""}: {ok} passed, {bad} failed')
sys.exit(1 if bad else 0)
