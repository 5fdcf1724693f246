import { parseArgs } from 'node:util';
import { EXIT } from './exit-codes.js';
import { COMMAND_HELP, EXTRACT_HELP, HELP, SCAN_HELP, STREAMS_HELP, VERSION } from './help.js';
import { UsageError } from './usage.js';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !COMMAND_HELP[topic]) {
      process.stderr.write(`starlight: no help for ${JSON.stringify(topic)}\n\n${HELP}`);
      return EXIT.USAGE;
    }
    process.stdout.write(topic !== undefined ? COMMAND_HELP[topic]! : HELP);
    return EXIT.OK;
  }
  if (command === '--version' || command === '-v' || command === '-V') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  if (command === 'scan') {
    // The commands load lazily: --version and --help do not start onnxruntime.
    const { parseScanArgs, scanCommand } = await import('./scan-command.js');
    const o = parseScanArgs(rest);
    if (o === 'help') {
      process.stdout.write(SCAN_HELP);
      return EXIT.OK;
    }
    return scanCommand(o, VERSION);
  }
  if (command === 'extract') {
    const { parseExtractArgs, extractCommand } = await import('./extract-command.js');
    const o = parseExtractArgs(rest);
    if (o === 'help') {
      process.stdout.write(EXTRACT_HELP);
      return EXIT.OK;
    }
    return extractCommand(o);
  }
  if (command === 'streams') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help || positionals.length === 0) {
      process.stdout.write(STREAMS_HELP);
      return values.help ? EXIT.OK : EXIT.USAGE;
    }
    const { streamsCommand } = await import('./streams-command.js');
    return streamsCommand(positionals, values.json);
  }
  process.stderr.write(`starlight: unknown command ${JSON.stringify(command)}\n\n${HELP}`);
  return EXIT.USAGE;
}

/** A bad option or argument (node:util parseArgs or ours): a usage error, exit 64. */
function isUsageError(e: unknown): e is Error {
  return e instanceof UsageError || (e instanceof TypeError && String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'));
}

// Until the command finishes, the status is 2: should the event loop ever run dry before it does
// (a lost worker, a promise nobody settles), the process must not exit 0, which means "nothing found".
let finished = false;
process.exitCode = EXIT.ERROR;
process.on('exit', () => {
  if (!finished) process.stderr.write('starlight: internal error: stopped before the command finished\n');
});

main(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (e: unknown) => {
    finished = true;
    if (isUsageError(e)) {
      const command = process.argv[2];
      process.stderr.write(`starlight: ${e.message}\nRun "starlight ${COMMAND_HELP[command ?? ''] ? `${command} ` : ''}--help" for usage.\n`);
      process.exitCode = EXIT.USAGE;
      return;
    }
    process.stderr.write(`starlight: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = EXIT.ERROR;
  },
);
