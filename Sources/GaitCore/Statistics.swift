//===--- Statistics.swift -------------------------------------------------===//
// The one quantile definition of gaitline: ingest, metrics, scoring and
// reports. In GaitCore so that every module, GaitIngest included, uses it.
//===----------------------------------------------------------------------===//

/// Order statistics shared by ingest (time-column steps), the detectors, the
/// run summary, scoring, evaluation and the live view.
///
/// There is one quantile definition, `quantile(_:_:)` over a collection of `Double`:
/// linear interpolation between the closest ranks, h = (n − 1)·q,
/// Q = x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) — Hyndman & Fan (1996)
/// definition 7, numpy's and R's default. The median is its q = 0.5 (the
/// mean of the two middle values for an even count). Values are found by
/// selection (O(n) on a copy), not by sorting.
public enum Statistics {
  /// The `q`-quantile (0…1) of `values` by definition 7; `nil` when empty.
  @inlinable
  public static func quantile<C: Collection<Double>>(_ values: C, _ q: Double) -> Double? {
    var a = Array(values)
    guard !a.isEmpty else { return nil }
    return a.withUnsafeMutableBufferPointer { interpolatedQuantile($0, q) }
  }

  /// The median of `values` (definition 7 at q = 0.5); `nil` when empty.
  @inlinable
  public static func median<C: Collection<Double>>(_ values: C) -> Double? { quantile(values, 0.5) }

  /// The `q`-quantile of single-precision `values` (definition 7); 0 when
  /// empty.
  @inlinable
  public static func quantile(_ values: [Float], _ q: Double) -> Float {
    var a = values
    guard !a.isEmpty else { return 0 }
    return a.withUnsafeMutableBufferPointer { interpolatedQuantile($0, q) }
  }

  /// The value of rank `k` (0-based, ascending) of a non-empty buffer that
  /// it reorders so that no element before index `k` is larger and none
  /// after it is smaller (quickselect), for callers that use the partition
  /// too (the HTML chart's rolling median). The values must be ordered (no
  /// NaN).
  @inlinable
  public static func select<T: Comparable>(_ a: UnsafeMutableBufferPointer<T>, rank k: Int) -> T {
    GaitCore.select(a, k)
  }

  /// Definition 7 on a non-empty buffer that it may reorder, for callers
  /// that keep a scratch buffer (no allocation).
  @inlinable
  public static func interpolatedQuantile<T: BinaryFloatingPoint>(_ a: UnsafeMutableBufferPointer<T>, _ q: Double) -> T {
    var settled = -1
    return interpolatedQuantile(a, q, settled: &settled)
  }

  /// ``interpolatedQuantile(_:_:)`` for several quantiles of one buffer in
  /// ascending order: `settled` is the rank the previous call put in place
  /// (-1 before the first), with no larger element before it and no
  /// smaller one after it, so this call searches only above it. The values
  /// are those of separate calls; a quantile below the previous one
  /// searches the whole buffer again.
  @inlinable
  public static func interpolatedQuantile<T: BinaryFloatingPoint>(_ a: UnsafeMutableBufferPointer<T>, _ q: Double,
                                                                  settled: inout Int) -> T {
    let h = max(0, min(1, q)) * Double(a.count - 1)
    let i = Int(h)
    let f = T(h - Double(i))
    if i < settled || settled >= a.count { settled = -1 }
    let lo: T
    if i == settled {
      lo = a[i]
    } else {
      let rest = UnsafeMutableBufferPointer(rebasing: a[(settled + 1)...])
      lo = select(rest, rank: i - settled - 1)
    }
    settled = i
    guard f > 0, i + 1 < a.count else { return lo }
    // `select` left every element after rank i at least as large as x₍ᵢ₎,
    // so x₍ᵢ₊₁₎ is the smallest of them: one scan, not a second selection
    // (the same value).
    var hi = a[i + 1]
    for k in (i + 2)..<a.count where a[k] < hi { hi = a[k] }
    return lo + f * (hi - lo)
  }
}

/// The `k`-th smallest element (0-based); reorders `a` (quickselect around a
/// median-of-three pivot) so that no element before index `k` is larger and
/// none after it is smaller.
///
/// The partition is Lomuto's (Bentley, *Programming Pearls*, 1986) written
/// without a data-dependent branch: every element is swapped with the first
/// one not below the pivot and that boundary moves by the comparison as 0 or
/// 1. On noisy signals a branching partition mispredicts about half of its
/// comparisons, which dominated its cost (Edelkamp & Weiß, "BlockQuicksort:
/// avoiding branch mispredictions in quicksort", ESA 2016). Runs of values
/// equal to the pivot are set aside in a second such pass, so that many
/// ties (a clipped or constant signal) do not make it quadratic. The value
/// found is the k-th smallest whatever the partition, so it is the value the
/// previous (Hoare) partition found; only the order of the elements on
/// either side of `k` differs. Without NaN (an unordered value) it
/// terminates and stays within the buffer all the same.
@inlinable
func select<T: Comparable>(_ a: UnsafeMutableBufferPointer<T>, _ k: Int) -> T {
  var lo = 0
  var hi = a.count - 1  // k is in lo...hi; none before lo is larger, none after hi smaller
  // Pivot candidates are drawn from pseudo-random positions (a fixed LCG,
  // Knuth's MMIX constants), so no order of the values (sorted, a single
  // hump, a period) makes the partitions unbalanced as the fixed positions
  // first, middle and last did with this partition (a buffer of 750 values
  // rising then falling took about 40 times as long as one of noisy
  // levels: quadratic). Any pivot gives the same k-th value.
  var state = UInt64(truncatingIfNeeded: a.count) &* 0x9E37_79B9_7F4A_7C15
  while hi - lo >= 2 {
    let mid = lo + (hi - lo) / 2
    if hi - lo >= 32 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let size = UInt64(hi - lo + 1)
      @inline(__always) func position(_ bits: UInt64) -> Int { lo + Int(truncatingIfNeeded: size.multipliedFullWidth(by: bits).high) }
      a.swapAt(lo, position(state))
      a.swapAt(mid, position(state << 21 | state >> 43))
      a.swapAt(hi, position(state << 42 | state >> 22))
    }
    // Median of three: a[lo] ≤ pivot ≤ a[hi], the pivot kept at lo + 1.
    if a[mid] < a[lo] { a.swapAt(mid, lo) }
    if a[hi] < a[lo] { a.swapAt(hi, lo) }
    if a[hi] < a[mid] { a.swapAt(hi, mid) }
    let pivot = a[mid]
    a.swapAt(mid, lo + 1)
    // lo + 2 ..< hi: those below the pivot first, then the pivot between
    // them and the rest (at least the pivot).
    let p = branchFreePartition(a, lo + 2, hi) { $0 < pivot } - 1
    a.swapAt(lo + 1, p)
    if k < p {
      hi = p - 1
    } else if k == p {
      return a[k]
    } else if (hi - p) * 4 <= (hi - lo) * 3 {
      lo = p + 1
    } else {
      // Most are at least the pivot: those equal to it are set aside (when
      // all are equal, the rank falls among them at once).
      let equalEnd = branchFreePartition(a, p + 1, hi + 1) { !(pivot < $0) }
      if k < equalEnd { return a[k] }
      lo = equalEnd
    }
  }
  if hi > lo, a[hi] < a[lo] { a.swapAt(lo, hi) }
  return a[k]
}

/// Reorders `a[from..<to]` so that the elements for which `first` holds
/// come before the others, and returns the index of the first other one.
/// No branch on the values: each element is exchanged with the one at the
/// boundary, which then advances by `first` of it as 0 or 1 (Lomuto).
@inlinable @inline(__always)
func branchFreePartition<T>(_ a: UnsafeMutableBufferPointer<T>, _ from: Int, _ to: Int, _ first: (T) -> Bool) -> Int {
  var boundary = from
  var j = from
  while j < to {
    let x = a[j]
    a[j] = a[boundary]
    a[boundary] = x
    boundary &+= first(x) ? 1 : 0
    j &+= 1
  }
  return boundary
}
