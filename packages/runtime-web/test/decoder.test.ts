import { test } from 'node:test';
import { sameBrokenPngsAsCore, samePngsAsCore } from '../../../tools/conformance/decoder.js';
import { webDecoder } from '../dist/index.js';

test('DecompressionStream decodes every fixture and sample PNG exactly like core', () => samePngsAsCore(webDecoder).then(() => undefined));
test('DecompressionStream gives the same outcome on 1,000 corrupted, truncated and padded PNGs', () => sameBrokenPngsAsCore(webDecoder));
