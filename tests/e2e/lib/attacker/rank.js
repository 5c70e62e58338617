// The linear attacker: is a hidden cell's row (0/1 over the inner cells) in
// the span of the published rows? Exact Gaussian elimination modulo a prime
// below 2^26 (so every product stays exact in a double). A row in the span
// mod p is in the span over the rationals unless p divides a minor, which for
// 0/1 rows of this size is vanishingly unlikely; a row not in the span mod p
// is never in the span over the rationals... the other way round, so a
// "leak" reported here is re-checked with a second prime.

const PRIMES = [67108859, 67108837];

function inv(a, p) {
  // extended Euclid
  let [r0, r1] = [p, ((a % p) + p) % p];
  let [s0, s1] = [0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % p) + p) % p;
}

function mulmod(a, b, p) {
  // a, b < 2^26: the product < 2^52 is exact
  return (a * b) % p;
}

/** A row echelon basis over GF(p) of sparse rows (Map col -> value). */
class Basis {
  constructor(p) {
    this.p = p;
    this.pivots = new Map(); // pivot column -> row (Map), normalized so row[pivot] = 1
  }
  reduce(input) {
    const p = this.p;
    const row = new Map(input);
    // repeatedly eliminate the smallest column that has a pivot
    let changed = true;
    while (changed) {
      changed = false;
      const cols = [...row.keys()].sort((a, b) => a - b);
      for (const c of cols) {
        const v = row.get(c);
        if (v === undefined || v === 0) continue;
        const prow = this.pivots.get(c);
        if (!prow) continue;
        for (const [pc, pv] of prow) {
          const nv = (((row.get(pc) || 0) - mulmod(v, pv, p)) % p + p) % p;
          if (nv === 0) row.delete(pc);
          else row.set(pc, nv);
        }
        changed = true;
      }
    }
    return row;
  }
  add(input) {
    const row = this.reduce(input);
    if (row.size === 0) return false;
    const pivot = Math.min(...row.keys());
    const f = inv(row.get(pivot), this.p);
    const norm = new Map();
    for (const [c, v] of row) norm.set(c, mulmod(v, f, this.p));
    this.pivots.set(pivot, norm);
    return true;
  }
  inSpan(input) {
    return this.reduce(input).size === 0;
  }
}

/**
 * published, hidden: arrays of arrays of column indices (0/1 rows).
 * Returns the indices (into hidden) of hidden rows in the span of published.
 */
export function hiddenInSpan(published, hidden) {
  const toMap = (cols) => new Map(cols.map((c) => [c, 1]));
  let suspects = hidden.map((_, i) => i).filter((i) => hidden[i].length > 0 || true);
  for (const p of PRIMES) {
    const basis = new Basis(p);
    for (const r of published) if (r.length) basis.add(toMap(r));
    suspects = suspects.filter((i) => basis.inSpan(toMap(hidden[i])));
    if (suspects.length === 0) break;
  }
  return suspects;
}
