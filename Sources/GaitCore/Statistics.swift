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

/// The `k`-th smallest element (0-based); reorders `a` (quickselect, Hoare
/// partition around a median-of-three pivot) so that no element before
/// index `k` is larger and none after it is smaller.
@inlinable
func select<T: Comparable>(_ a: UnsafeMutableBufferPointer<T>, _ k: Int) -> T {
  var lo = 0
  var hi = a.count - 1
  while lo < hi {
    let mid = lo + (hi - lo) / 2
    if a[mid] < a[lo] { a.swapAt(mid, lo) }
    if a[hi] < a[lo] { a.swapAt(hi, lo) }
    if a[hi] < a[mid] { a.swapAt(hi, mid) }
    let pivot = a[mid]
    var i = lo, j = hi
    while i <= j {
      while a[i] < pivot { i += 1 }
      while a[j] > pivot { j -= 1 }
      if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
    }
    if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
  }
  return a[k]
}
