/** A small deterministic PRNG (mulberry32): the whole simulation draws from it, so a seed replays a machine. */
export class Rng {
  constructor(private state: number) {
    this.state = state >>> 0;
  }
  /** Uniform in [0, 2^32). */
  nextU32(): number {
    let t = (this.state = (this.state + 0x6D2B79F5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + Math.floor((this.nextU32() / 0x100000000) * (hi - lo));
  }
  get seedState(): number { return this.state; }
  set seedState(v: number) { this.state = v >>> 0; }
}
