/** Sub-buckets per power of two: values are kept within 1/64 (≈1.6 %) of their true size. */
const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS; // 128
const HALF = SUB_BUCKETS >> 1; // 64
/** largest value recorded exactly by bucket; anything above is clamped (≈ 35 min in µs). */
const MAX_VALUE = 2 ** 31 - 1;
const BUCKETS = (31 - (SUB_BUCKET_BITS - 1)) * HALF + SUB_BUCKETS;

/** bucket of an integer value ≥ 0: linear below 128, then 64 buckets per power of two. */
function bucketOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const shift = 31 - Math.clz32(v) - (SUB_BUCKET_BITS - 1);
  return shift * HALF + (v >>> shift);
}

/** the largest value that falls into `bucket` (what a percentile reports: never understated). */
function upperBoundOf(bucket: number): number {
  if (bucket < SUB_BUCKETS) return bucket;
  const shift = Math.floor((bucket - SUB_BUCKETS) / HALF) + 1;
  const sub = bucket - shift * HALF;
  return (sub + 1) * 2 ** shift - 1;
}

/**
 * An HDR-style latency histogram with a fixed set of log-linear buckets (integers, e.g. µs):
 * constant memory and O(1) recording however many values go in, percentiles within ≈1.6 %.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private maxSeen = 0;
  private minSeen = Infinity;
  private sum = 0;

  record(value: number): void {
    const v = value <= 0 ? 0 : value >= MAX_VALUE ? MAX_VALUE : Math.round(value);
    this.counts[bucketOf(v)]++;
    this.total++;
    this.sum += v;
    if (v > this.maxSeen) this.maxSeen = v;
    if (v < this.minSeen) this.minSeen = v;
  }

  get count(): number {
    return this.total;
  }

  /** exact largest recorded value (0 when empty). */
  get max(): number {
    return this.maxSeen;
  }

  get min(): number {
    return this.total === 0 ? 0 : this.minSeen;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /**
   * the value at percentile `p` (0–100): the upper bound of the bucket holding the
   * ceil(p% · count)-th smallest value, never above the exact max. 0 when empty.
   */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b];
      if (seen >= rank) return Math.min(upperBoundOf(b), this.maxSeen);
    }
    return this.maxSeen;
  }

  /** adds another histogram's values (one per connection, merged for the report). */
  add(other: LatencyHistogram): void {
    for (let b = 0; b < BUCKETS; b++) this.counts[b] += other.counts[b];
    this.total += other.total;
    this.sum += other.sum;
    if (other.maxSeen > this.maxSeen) this.maxSeen = other.maxSeen;
    if (other.minSeen < this.minSeen) this.minSeen = other.minSeen;
  }
}
