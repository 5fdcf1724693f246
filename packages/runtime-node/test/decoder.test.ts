import { test } from 'node:test';
import { sameBrokenPngsAsCore, samePngsAsCore } from '../../../tools/conformance/decoder.js';
import { nodeDecoder } from '../dist/index.js';

test('native zlib decodes every fixture and sample PNG exactly like core', () => samePngsAsCore(nodeDecoder).then(() => undefined));
test('native zlib gives the same outcome on 1,000 corrupted, truncated and padded PNGs', () => sameBrokenPngsAsCore(nodeDecoder));
