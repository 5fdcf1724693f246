/**
 * Confidence from evidence.
 *
 * Every candidate gets an evidence score E = log10(P(observation | payload) / P(observation | chance)),
 * summed over independent clues, and a confidence = posterior probability under prior odds of
 * 10^-PRIOR_LOG10 (one in a million) that a given read holds a payload:
 *
 *     confidence = 1 / (1 + 10^(PRIOR_LOG10 - E))
 *
 * so PAYLOAD_FOUND_CONFIDENCE = 0.99 needs E >= 8.0.
 *
 * Two chance models for LSB reads; a read's text evidence is the smaller of the two:
 *
 * 1. I.i.d. fair bits (noisy photos). Each byte is printable text (TAB, LF, CR, 0x20..0x7E: 98 of
 *    256 values) with p = 0.383, so n printable bytes arise with p = 0.383^n: E = 0.417 per byte,
 *    and 8.0 needs ~19 bytes of text (p = 1.2e-8 per read). Only the *effective* length counts: an
 *    LZ77 parse in which any repeat of 3+ bytes costs a single token (text.ts: effectiveLength), so
 *    a period-p pattern ("UUUU", "3f3f") scores about p whatever its length. Each non-printable or
 *    invalid character costs 2.8 (random bytes are non-printable 62% of the time).
 * 2. Spatially structured LSBs (flat areas, checkerboards, stripes, ordered dithering, pixel
 *    replication), which can spell printable strings that are not repetitive enough for the LZ
 *    measure (a 4x4 Bayer dither spells ever-shifting runs of U, W, u, w, E, D). spatial.ts scores
 *    the read's bits with an adaptive model whose contexts are LSBs at *pixel* lags (previous
 *    channel, 1/2/4/8 pixels left, the rows above) against the best of six fixed text models
 *    (printable, hex, base64, numeric, English letter frequencies, UTF-8 by Unicode block):
 *    E = log10 P(text) - log10 P(spatial), taken at the best of a few prefix lengths. Text and
 *    noise cost ~8 bits a byte under the spatial model and 4-7 under a text model (E ~ 0.3-1 a
 *    byte); structure that pixels explain scores below zero. Consulted only when (1) exceeds 2.
 *
 * A NUL closing text gives 0.5 (a NUL after garbage says nothing). Only the first 4096 bytes of a
 * message (EVIDENCE_WINDOW) are weighed, so the work per read is bounded and the evidence saturates
 * far above the threshold anyway. Binary (non-text) payloads in LSB planes carry no evidence at
 * all: without a key or a marker they are indistinguishable from noise, and are listed with
 * confidence ~1e-6.
 *
 * Markers are strong evidence: `AI42` at the start of a read has chance 2^-32 (E = 9.6).
 *
 * eoi: data after the true end of a container is never produced by chance, but legitimate files
 * carry padding (zeros, 0xFF, whitespace) and some cameras write trailers. Padding scores 0.5;
 * other data scores 4 plus its content: text as in (1) (no pixels, so no spatial model); binary min(5, effective length / 40)
 * (so ~160+ bytes of non-repetitive binary are "found"); a recognised file signature adds 3.
 * The second picture of an MPO is expected and scores 1.
 *
 * exif: a UserComment is an explicit text field, so the question is not chance but intent. A blank
 * comment (empty, NULs, spaces) gives no candidate; a character-code header gives 3 (else 1), plus
 * the text evidence of (1) (so ~12 characters of real text are "found"), or, for a binary
 * comment, 2 + min(3, effective length / 50).
 *
 * Metadata text fields (PNG text chunks, JPEG COM, XMP values, GIF comments): visible text is
 * capped at 7 (whether a description hides a message is intent, not chance). Encoded data is not
 * capped (extract.ts: blobEvidence): the longest base64 or hex run of a value is decoded, and a
 * structure legitimate writers encode (a JPEG/PNG thumbnail, EXIF/TIFF, IPTC, 8BIM, ICC, XMP) scores
 * nothing; decoded text scores 3 + its text evidence; other bytes, and binary bytes written raw into
 * a text field, 2 + effective length / 16 (+3 for a file signature), so ids and digests (up to 64
 * bytes) stay below 8 and ~96 bytes of non-repetitive unknown data reach it. Over 26,315 real files
 * from Debian packages and ../shared (11,329 with metadata text) and the 26,000 clean dataset files
 * with generated real-world metadata, no value was reported as encoded data and none reached 8.
 *
 * Measured (packages/core/test/payload.test.ts, packages/embed/test/clean-fp.test.ts): the 351
 * real clean images peak at E = 0.92; over 10,000 clean images (those, variants of them re-encoded
 * in every format with real-world metadata, and synthetic noise, gradients, checkers, dithered
 * palettes, soft alpha) no candidate reaches 8 — see the figures in the report.
 */

export const PRIOR_LOG10 = 6;
export const E_TEXT_PER_BYTE = Math.log10(256 / 98);
export const E_BAD_CHAR = 2.8;
export const E_TERMINATOR = 0.5;
export const E_AI42 = 32 * Math.log10(2);

export function confidenceOf(evidence: number): number {
  const c = 1 / (1 + Math.pow(10, PRIOR_LOG10 - evidence));
  return Math.round(c * 1e9) / 1e9;
}
