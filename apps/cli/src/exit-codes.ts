import type { StarlightErrorCode } from '@starlight/core';

/** clamscan-style exit codes: 0 nothing found, 1 something hidden found, 2 an input could not be processed. */
export const EXIT = { OK: 0, FOUND: 1, ERROR: 2, USAGE: 64 } as const;

/** The one place a StarlightError code becomes an exit code. */
export function exitCodeFor(code: StarlightErrorCode | undefined): number {
  return code === 'E_INVALID_ARGUMENT' ? EXIT.USAGE : EXIT.ERROR;
}
