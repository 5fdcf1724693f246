/**
 * Pairs-of-values chi-square (Westfeld & Pfitzmann) over a histogram whose pairs are (2k, 2k + 1),
 * as log1p(chi / degrees of freedom); 0 when no pair has 5 samples. LSB replacement equalises the two
 * counts of each pair, so embedding lowers it.
 */
export function chiPov(hist: ArrayLike<number>): number {
  let s = 0;
  let dof = 0;
  for (let k = 0; k + 1 < hist.length; k += 2) {
    const a = hist[k]!;
    const b = hist[k + 1]!;
    if (a + b < 5) continue;
    const e = (a + b) / 2;
    s += ((a - e) * (a - e) + (b - e) * (b - e)) / e;
    dof++;
  }
  return dof ? Math.log1p(s / dof) : 0;
}
