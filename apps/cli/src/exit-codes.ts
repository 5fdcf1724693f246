import type { ScanResult, StarlightErrorCode } from '@starlight/core';

/**
 * clamscan-style exit codes. `scan`: 0 nothing found, 1 something hidden found, 2 an input could not
 * be scanned (2 wins over 1, as in clamscan). `extract`: 0 payload extracted, 1 none found,
 * 2 unreadable/corrupt input or the output could not be written. 64: usage error (EX_USAGE).
 * 130: scan interrupted by Ctrl-C (128 + SIGINT), after closing its output properly.
 */
export const EXIT = { OK: 0, FOUND: 1, ERROR: 2, USAGE: 64, INTERRUPTED: 130 } as const;

/** `extract` found nothing: grep-style 1 (same number as FOUND, opposite meaning, documented in its --help). */
export const EXIT_NOT_FOUND = 1;

/** The one place a StarlightError code becomes an exit code. */
export function exitCodeFor(code: StarlightErrorCode | undefined): number {
  return code === 'E_INVALID_ARGUMENT' ? EXIT.USAGE : EXIT.ERROR;
}

/** One scanned file: an error (whatever its code: it is the file's, not the caller's) > stego > clean. */
export function exitCodeForResult(r: Pick<ScanResult, 'stego' | 'error'>): number {
  if (r.error) return EXIT.ERROR;
  return r.stego ? EXIT.FOUND : EXIT.OK;
}

const RANK: readonly number[] = [EXIT.OK, EXIT.FOUND, EXIT.ERROR, EXIT.INTERRUPTED, EXIT.USAGE];

/** Precedence when several statuses apply: usage > interrupted > error > found > ok. */
export function worstExit(a: number, b: number): number {
  return RANK.indexOf(b) > RANK.indexOf(a) ? b : a;
}
