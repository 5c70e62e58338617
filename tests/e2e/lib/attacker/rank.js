// The linear attacker: is a hidden cell's row (0/1 over the inner cells) in
// the span of the published rows? Exact Gaussian elimination modulo a prime
// below 2^26 (every product stays exact in a double). A row in the rational
// span is in the span mod p too; the converse can fail only when p divides
// some minor, so a row found in the span is checked again modulo a second
// prime before it is reported.

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

/**
 * A row echelon basis over GF(p): pivot rows kept sparse (ascending columns,
 * the pivot first, normalized to 1), a row reduced in one ascending pass over
 * a dense scratch array (eliminating column c only adds columns above c).
 */
class Basis {
  constructor(p, n) {
    this.p = p;
    this.n = n;
    this.pivots = new Array(n).fill(null); // column -> {cols: Int32Array, vals: Float64Array}
    this.scratch = new Float64Array(n);
  }
  reduce(cols) {
    const p = this.p;
    const x = this.scratch;
    x.fill(0);
    let lo = Infinity;
    for (const c of cols) {
      x[c] = 1;
      if (c < lo) lo = c;
    }
    const nz = [];
    for (let c = lo === Infinity ? this.n : lo; c < this.n; c++) {
      const v = x[c];
      if (v === 0) continue;
      const pr = this.pivots[c];
      if (!pr) {
        nz.push(c);
        continue;
      }
      for (let j = 0; j < pr.cols.length; j++) {
        const cc = pr.cols[j];
        x[cc] = (((x[cc] - mulmod(v, pr.vals[j], p)) % p) + p) % p;
      }
    }
    return nz;
  }
  add(cols) {
    const nz = this.reduce(cols);
    if (nz.length === 0) return false;
    const x = this.scratch;
    const pivot = nz[0];
    const f = inv(x[pivot], this.p);
    this.pivots[pivot] = {
      cols: Int32Array.from(nz),
      vals: Float64Array.from(nz.map((c) => mulmod(x[c], f, this.p))),
    };
    return true;
  }
  inSpan(cols) {
    return this.reduce(cols).length === 0;
  }
}

/**
 * published, hidden: arrays of arrays of column indices (0/1 rows).
 * Returns the indices (into hidden) of hidden rows in the span of published.
 */
export function hiddenInSpan(published, hidden) {
  let n = 1;
  for (const r of published.concat(hidden)) for (const c of r) if (c + 1 > n) n = c + 1;
  let suspects = hidden.map((_, i) => i);
  for (const p of PRIMES) {
    const basis = new Basis(p, n);
    for (const r of published) if (r.length) basis.add(r);
    suspects = suspects.filter((i) => basis.inSpan(hidden[i]));
    if (suspects.length === 0) break;
  }
  return suspects;
}
