//===--- EventDetectors.swift ---------------------------------------------===//
// Contact detectors for hip and foot sensors, and the signal helpers they
// and the step metrics share.
//===----------------------------------------------------------------------===//
import GaitCore

/// Greedy peak picking: local maxima above `minimum`, tallest first, none
/// closer than `distance` samples to a taller one (the rule of
/// `scipy.signal.find_peaks(distance=)`). Returns ascending indices.
func pickPeaks(_ x: [Float], minimum: Float, distance: Int) -> [Int] {
  pickPeaks(x, minimum: minimum) { _ in distance }
}

/// ``pickPeaks(_:minimum:distance:)`` with a distance that varies along the
/// signal: two peaks must be further apart than the smaller of their
/// distances.
func pickPeaks(_ x: [Float], minimum: Float, distanceAt distance: (Int) -> Int) -> [Int] {
  pickPeaks(x, minimum: minimum, distanceAt: distance, separatedBelow: nil)
}

/// ``pickPeaks(_:minimum:distanceAt:)``, except that two peaks closer than
/// their distance are both kept when `x` falls to `separatedBelow` or below
/// between them (they lie in separate humps, whatever their spacing).
func pickPeaks(_ x: [Float], minimum: Float, distanceAt distance: (Int) -> Int, separatedBelow: Float?) -> [Int] {
  let n = x.count
  guard n >= 3 else { return [] }
  precondition(n <= Int(UInt32.max), "pickPeaks: indices must fit the sort key's 32 bits")
  return x.withUnsafeBufferPointer { x -> [Int] in
    // Candidates as (index, distance), tallest first (ties: earlier first;
    // a strict order, so the order is unique). Each distance is asked once.
    // Sorted as integer keys (``peakOrderKey(_:index:)``: the same strict
    // order as comparing heights, then indices), without a comparison
    // closure that loads both heights per comparison.
    var keys: [UInt64] = []
    keys.reserveCapacity((n - 1) / 2)  // no two neighbours are both local maxima
    // Local maxima above the minimum, four samples tested at once (the
    // same ordered comparisons, false with NaN, so the same candidates):
    // most samples are no candidate and cost no branch of their own.
    var i = 1
    if let p = x.baseAddress {
      let floor = SIMD4<Float>(repeating: minimum)
      while i + 4 <= n - 1 {
        let c = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Float>.self)
        let l = UnsafeRawPointer(p + (i - 1)).loadUnaligned(as: SIMD4<Float>.self)
        let r = UnsafeRawPointer(p + (i + 1)).loadUnaligned(as: SIMD4<Float>.self)
        let m = (c .> floor) .& (c .> l) .& (c .>= r)
        if anyLane(m) {
          for k in 0..<4 where m[k] { keys.append(peakOrderKey(c[k], index: i + k)) }
        }
        i += 4
      }
    }
    while i < n - 1 {
      if x[i] > minimum && x[i] > x[i - 1] && x[i] >= x[i + 1] { keys.append(peakOrderKey(x[i], index: i)) }
      i += 1
    }
    keys.sort()
    // Each candidate's distance replaces its height bits, in place (no
    // second array): asked once each, in this order. Clamped to 0…2³²−1,
    // which changes no comparison below (index differences are 1…n−1).
    for k in keys.indices {
      let i = Int(truncatingIfNeeded: keys[k] & 0xFFFF_FFFF)
      keys[k] = UInt64(UInt32(clamping: distance(i))) << 32 | UInt64(UInt32(truncatingIfNeeded: i))
    }
    func separated(_ a: Int, _ b: Int) -> Bool {
      guard let level = separatedBelow else { return false }
      for i in min(a, b)...max(a, b) where x[i] <= level { return true }
      return false
    }
    // The peaks taken so far, ascending, with their distances. A taken peak
    // `t` suppresses `c` only when |t − c| < min(d(t), d(c)) ≤ d(c), so only
    // the taken peaks within d(c) of `c` on either side are looked at (the
    // same test on the same pairs as comparing `c` with every taken peak).
    var taken: [Int] = []
    var takenDistance: [Int] = []
    taken.reserveCapacity(keys.count)
    takenDistance.reserveCapacity(keys.count)
    for key in keys {
      let c = Int(truncatingIfNeeded: key & 0xFFFF_FFFF), dc = Int(truncatingIfNeeded: key >> 32)
      // Insertion point: the first taken peak after `c`.
      var lo = 0, hi = taken.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if taken[mid] < c { lo = mid + 1 } else { hi = mid }
      }
      var suppressed = false
      var j = lo - 1
      while !suppressed, j >= 0, c - taken[j] < dc {
        if c - taken[j] < takenDistance[j] && !separated(taken[j], c) { suppressed = true }
        j -= 1
      }
      j = lo
      while !suppressed, j < taken.count, taken[j] - c < dc {
        if taken[j] - c < takenDistance[j] && !separated(taken[j], c) { suppressed = true }
        j += 1
      }
      if !suppressed {
        taken.insert(c, at: lo)
        takenDistance.insert(dc, at: lo)
      }
    }
    return taken
  }
}

/// `any(m)` as one OR of the mask's two 64-bit halves (a lane is all ones
/// or all zeros, so the same answer), where `any` extracts and ORs the four
/// lanes one by one.
@inline(__always) func anyLane(_ m: SIMDMask<SIMD4<Int32>>) -> Bool {
  let halves = unsafeBitCast(m, to: SIMD2<UInt64>.self)
  return halves[0] | halves[1] != 0
}

/// `Int(x.rounded())` (to nearest, halves away from zero) without the
/// call to libm's `round` that `rounded()` compiles to on x86-64 without
/// SSE4.1: truncation, then the exact remainder `x − trunc(x)` (exact for
/// every finite double: below 2⁵² the integer part shares the binade and
/// the difference is representable, above it `x` is an integer and the
/// remainder 0) compared with ±0.5. The same integer for every finite `x`
/// in `Int`'s range; like `Int(x.rounded())` it traps on NaN, infinities and
/// values out of range.
@inline(__always) func roundedIndex(_ x: Double) -> Int {
  let t = Int(x)
  let r = x - Double(t)
  return r >= 0.5 ? t + 1 : (r <= -0.5 ? t - 1 : t)
}

/// A key whose ascending order is the order of peaks in ``pickPeaks(_:minimum:distanceAt:separatedBelow:)``:
/// taller first (`height` descending, −0 and +0 equal), then the earlier
/// index. The upper 32 bits are the height's bits mapped so that unsigned
/// order is float order (sign bit flipped for positives, all bits for
/// negatives), complemented for descending; −0 is made +0 first
/// (−0 + 0 = +0). The lower 32 bits are the index. `height` must not be
/// NaN (a candidate exceeds the minimum, which NaN never does); `index`
/// must be below 2³².
@inline(__always) func peakOrderKey(_ height: Float, index: Int) -> UInt64 {
  let bits = (height + 0).bitPattern
  let ascending = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
  return UInt64(~ascending) << 32 | UInt64(UInt32(truncatingIfNeeded: index))
}

/// Peak-to-peak displacement over `range` by double integration with mean
/// removal only: the mean acceleration over the step is removed (no net
/// velocity change over a periodic step), then the mean of the velocity (no
/// net displacement). Nothing else: after the first removal the velocity is
/// already periodic, so a fitted line would be real motion (a fast rise in
/// stance, a slow fall in flight) and removing it would subtract a parabola
/// from the displacement. Per step as GaitPy and skdh integrate (McCamley
/// 2012; Zijlstra & Hof 2003). Returns metres.
func peakToPeakDisplacement(_ a: [Float], _ range: Range<Int>, rateHz: Double, velocity: inout [Double]) -> Double? {
  let n = range.count
  guard n >= 4, range.lowerBound >= 0, range.upperBound <= a.count else { return nil }
  let dt = 1 / rateHz
  // The velocity of pass 1 is kept in `velocity` (a caller's buffer, grown,
  // never shrunk) for pass 2, which used to compute it a second time: the
  // same operations in the same order, so the same bits.
  if velocity.count < n { velocity = [Double](repeating: 0, count: max(n, 2 * velocity.count)) }
  return a.withUnsafeBufferPointer { all -> Double in
    velocity.withUnsafeMutableBufferPointer { vel -> Double in
      let p = UnsafeBufferPointer(rebasing: all[range])
      var mean = 0.0
      for i in 0..<n { mean += Double(p[i]) }
      mean /= Double(n)
      // Pass 1: the trapezoidal velocity and its mean. Pass 2: the velocity,
      // its mean removed, integrated.
      var v = 0.0, vMean = 0.0
      var previous = Double(p[0]) - mean
      for i in 0..<n {
        let x = Double(p[i]) - mean
        v += 0.5 * (previous + x) * dt
        previous = x
        vel[i] = v
        vMean += v
      }
      vMean /= Double(n)
      var d = 0.0, lo = 0.0, hi = 0.0
      for i in 0..<n {
        d += (vel[i] - vMean) * dt
        // `d > hi ? d : hi` is `max(hi, d)` here (d is never −0 nor
        // NaN-selected), in one instruction instead of a compare and blend.
        lo = min(lo, d); hi = d > hi ? d : hi
      }
      return hi - lo
    }
  }
}

/// Contacts from a sacrum / lower-back / waist sensor, locked to the step
/// period and judged against each step's own neighbourhood.
///
/// Stance peaks: local maxima of vertical specific force at most one per
/// ``peakSpacingPeriods`` step periods (tallest first), each kept only when
/// it rises above the local flight trough (the lowest value within the step
/// period before it) by at least ``minimumSwingG`` and by at least
/// ``relativeSwing`` of the largest such rise within a stride on either side.
/// A threshold relative to the local trough and to the neighbouring steps
/// keeps the far leg of a belt clip worn on one side (whose peaks the sensor
/// sees ~1.5× weaker) and rejects rest: standing still has no swing.
///
/// Running (a flight phase exists): the vertical specific force at the
/// sacrum approximates the ground reaction force in body weights, so contact
/// is where it stays above ``thresholdG`` around the stance peak: initial
/// contact is its last upward crossing before the peak, toe-off the first
/// downward crossing after it, both interpolated between samples (a
/// force-threshold analogue of Patoz 2022's sacral threshold method). The
/// searches run to the flight troughs on either side (the lowest point
/// between this peak and its neighbours), not a fixed part of the period, so
/// a long stance with an impact peak and a second hump keeps its toe-off.
/// A stance that rises out of a flight but has no toe-off (a landing into
/// walking or standing) keeps the upward crossing as its initial contact.
/// Walking (no flight): initial contact is the onset of the loading rise of
/// vertical acceleration, in the ``walkingOnsetPeriods`` step
/// periods before the peak (``walkingOnset(_:peak:from:period:)``); toe-off is not
/// reported.
struct HipContactDetector: ContactDetector {
  /// Vertical specific force below which the trunk is taken to be in
  /// flight, g (``AnalysisOptions/contactThresholdG``).
  var thresholdG: Float = 0.3
  /// A stance peak is a local maximum above this, g (standing reads 1 g).
  var minimumPeakG: Float = 1.02
  /// A stance peak rises at least this far above its local trough, g.
  var minimumSwingG: Float = 0.15
  /// … and at least this fraction of the largest rise within a stride.
  var relativeSwing: Float = 0.3
  /// Smallest distance between stance peaks, step periods.
  var peakSpacingPeriods = 0.6
  /// Without a neighbouring peak, IC and TC are searched for this far, step periods.
  var crossingSearchPeriods = 1.0
  /// Walking IC: the onset is searched for within this many step periods
  /// before the peak.
  var walkingOnsetPeriods = 0.4
  /// Walking IC: the slopes on either side of a candidate onset are
  /// least-squares fits over this many step periods each.
  var walkingSlopePeriods = 0.05
  /// Walking IC: the weight of the slope before a candidate onset, which
  /// is subtracted from the slope after it (0 = the steepest rise, 1 = the
  /// sharpest bend).
  var walkingTrendWeight: Float = 0.5

  init(thresholdG: Float = 0.3) { self.thresholdG = thresholdG }

  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples period: Double, coreRange: Range<Int>) -> [Contact] {
    let g = standardGravity
    let n = segment.vertical.count
    guard n >= 3 else { return [] }
    // One division per sample into storage of the final size (the same
    // quotients as `map`, without its per-element append).
    let vg = segment.vertical.withUnsafeBufferPointer { v in
      [Float](unsafeUninitializedCapacity: n) { out, count in
        for i in 0..<n { out[i] = v[i] / g }
        count = n
      }
    }
    // The step period around a sample: the segment's, or a local one where
    // the cadence changes within the segment (LocalPeriod.swift).
    func periodAt(_ i: Int) -> Double { segment.stepPeriod(near: i, segmentPeriod: period) }
    // Stance peaks closer than the spacing still count twice when the force
    // falls to the flight threshold between them: by the contact's own
    // definition they are two contacts. (A shuffling runner's far-leg stance
    // is a flat plateau whose tallest sample can lie just before the near
    // leg's impact spike, within the spacing of it.)
    let candidates = pickPeaks(vg, minimum: minimumPeakG, distanceAt: { max(1, Int(peakSpacingPeriods * periodAt($0))) },
                               separatedBelow: thresholdG)
    // Rise of each candidate from the lowest point within the step before
    // it (a stance rises out of a flight or a trough; the overshoot of the
    // filter before a take-off from standing does not).
    // The search stops at the previous candidate: a new stance needs an
    // unloading between it and the last one, so a bump of noise in standing
    // just after a landing does not borrow the landing's flight as its own.
    let swings = candidates.indices.map { k -> Float in
      let p = candidates[k]
      let step = max(1, roundedIndex(periodAt(p)))
      var low = vg[p]
      for i in max(0, p - step, k > 0 ? candidates[k - 1] : 0)...p { low = min(low, vg[i]) }
      return vg[p] - low
    }
    var peaks: [Int] = []
    peaks.reserveCapacity(candidates.count)
    for (k, p) in candidates.enumerated() where swings[k] >= minimumSwingG {
      let step = max(1, roundedIndex(periodAt(p)))
      var largest = swings[k]
      var j = k - 1
      while j >= 0, p - candidates[j] <= 2 * step { largest = max(largest, swings[j]); j -= 1 }
      j = k + 1
      while j < candidates.count, candidates[j] - p <= 2 * step { largest = max(largest, swings[j]); j += 1 }
      if swings[k] >= relativeSwing * largest { peaks.append(p) }
    }
    var contacts: [Contact] = []
    contacts.reserveCapacity(peaks.count)
    let thr = thresholdG
    func trough(_ a: Int, _ b: Int) -> Int {
      // Read in place: a and b are peaks of `vg`, a < b.
      vg.withUnsafeBufferPointer { vg in
        var m = a
        for i in a...b where vg[i] < vg[m] { m = i }
        return m
      }
    }
    // The trough between two peaks, once: the previous peak's upper bound
    // is this peak's lower one when both searched the same two peaks.
    var lastTrough: (from: Int, to: Int, at: Int)?
    func sharedTrough(_ a: Int, _ b: Int, memo: Bool) -> Int {
      if let t = lastTrough, t.from == a, t.to == b { return t.at }
      let m = trough(a, b)
      if memo { lastTrough = (a, b, m) }
      return m
    }
    for (k, p) in peaks.enumerated() {
      let local = periodAt(p)
      let reach = Int(crossingSearchPeriods * local)
      // The flight troughs on either side bound the searches.
      let lo = k > 0 && p - peaks[k - 1] <= reach ? sharedTrough(peaks[k - 1], p, memo: false) : max(0, p - reach)
      let hi = k + 1 < peaks.count && peaks[k + 1] - p <= reach ? sharedTrough(p, peaks[k + 1], memo: true) : min(n - 1, p + reach)
      var ic: Double?
      var tc: Double?
      // The crossings read in place: 0 ≤ lo < i ≤ p and p < j ≤ hi ≤ n − 1,
      // so every index is in bounds without a check per sample.
      vg.withUnsafeBufferPointer { vg in
        var i = p
        while i > lo {
          if vg[i &- 1] <= thr && vg[i] > thr { ic = Double(i - 1) + Double((thr - vg[i - 1]) / (vg[i] - vg[i - 1])); break }
          i &-= 1
        }
        var j = p + 1
        while j <= hi {
          if vg[j &- 1] >= thr && vg[j] < thr { tc = Double(j - 1) + Double((vg[j - 1] - thr) / (vg[j - 1] - vg[j])); break }
          j &+= 1
        }
      }
      // A stance cut by the start of the data (the start of the recording,
      // or the end of a gap) has no measurable contact: leave it out rather
      // than guess its contact from a partial rise. A stance cut by the end
      // of the data (a gap, the end of the recording) keeps its initial
      // contact when the upward crossing lies before the cut: the step is
      // there and its IC measured; its toe-off is unknown, so it gets none
      // (no contact time), and not the walking onset either.
      let cutAtStart = ic == nil && lo == 0 && vg[0] > thr
      let cutAtEnd = tc == nil && hi == n - 1 && vg[n - 1] > thr
      if cutAtStart { continue }
      if cutAtEnd {
        if let ic { contacts.append(Contact(icIndex: ic, tcIndex: nil, anchorIndex: p)) }
        continue
      }
      if let ic, let tc {
        contacts.append(Contact(icIndex: ic, tcIndex: tc, anchorIndex: p))
      } else if let ic {
        // Rose out of a flight (a landing from a run into walking or
        // standing) but no toe-off: the contact is the upward crossing, as
        // in running. The loading-rise onset is for a rise from a trough
        // above the flight level; a landing's jump from ~0 g has no slope
        // on either side to fit, and at low rates its fitted onset ties on
        // the two samples before the jump.
        contacts.append(Contact(icIndex: ic, tcIndex: nil, anchorIndex: p))
      } else {
        contacts.append(Contact(icIndex: walkingOnset(segment, peak: p, from: max(0, lo, p - Int(walkingOnsetPeriods * local)),
                                                   period: local),
                                tcIndex: nil, anchorIndex: p))
      }
    }
    // Two peaks inside one stance (double-humped force) are one contact.
    var merged: [Contact] = []
    merged.reserveCapacity(contacts.count)
    for c in contacts {
      if var last = merged.last, let ltc = last.tcIndex, let ctc = c.tcIndex, c.icIndex - last.icIndex < 1 || c.icIndex < ltc {
        last.tcIndex = max(ltc, ctc)
        merged[merged.count - 1] = last
      } else {
        merged.append(c)
      }
    }
    return merged
  }
}

extension HipContactDetector {
  /// Walking initial contact of the stance whose peak is at `peak`: the
  /// sample, searched from `from` to the peak, after which the vertical
  /// acceleration rises most steeply relative to its trend before it, on
  /// the unfiltered vertical projection and interpolated between samples.
  ///
  /// Heel strike starts the loading rise of trunk vertical acceleration
  /// (Zijlstra & Hof 2003); its onset, not its steepest point, is the
  /// contact. At each candidate sample the slope just after it and the
  /// slope just before it are least-squares line fits over
  /// ``walkingSlopePeriods`` step periods each, and the onset is where the
  /// slope after minus ``walkingTrendWeight`` × the slope before is
  /// greatest. The slope after alone (the steepest rise) is greatest at
  /// the onset but falls only slowly after it, so noise moves its maximum
  /// late; subtracting the slope before (which grows once the candidate is
  /// inside the rise) makes the maximum sharp on both sides, and half of it
  /// keeps a gradual onset (a minimum, then a rise) where the steepest rise
  /// puts it. A fit over several samples averages white sensor noise where
  /// the rise over two samples did not (a ±0.05 g uniform noise moved that
  /// onset by 10–30 ms); the window follows the step period, as McCamley
  /// 2012 and Caramia 2019 scale their wavelet to the gait, so the same part
  /// of the loading rise is fitted at any cadence and sample rate.
  /// `period` is the local step period, samples.
  func walkingOnset(_ segment: SegmentWorkspace, peak p: Int, from: Int, period: Double) -> Double {
    let n = segment.rawX.count
    let w = max(2, Int((walkingSlopePeriods * period).rounded()))
    let first = max(from, w), last = min(p, n - 1 - w)
    guard last - first >= 2 else { return Double(max(from, min(p, n - 1))) }
    let up = segment.bodyFrame ? SIMD3<Float>(1, 0, 0) : segment.up
    func v(_ i: Int) -> Float { segment.rawX[i] * up.x + segment.rawY[i] * up.y + segment.rawZ[i] * up.z }
    // Least-squares slope over samples a...a+w: Σ (k − w/2)·v(a+k) / Σ (k − w/2)².
    let centre = Float(w) / 2
    var norm: Float = 0
    for k in 0...w { norm += (Float(k) - centre) * (Float(k) - centre) }
    func slope(_ a: Int) -> Float {
      var s: Float = 0
      for k in 0...w { s += (Float(k) - centre) * v(a + k) }
      return s / norm
    }
    func bend(_ c: Int) -> Float { slope(c) - walkingTrendWeight * slope(c - w) }
    var best = first
    var bestBend = -Float.infinity
    for c in first...last {
      let b = bend(c)
      if b > bestBend { bestBend = b; best = c }
    }
    // Parabolic interpolation of the bend around its maximum.
    var onset = Double(best)
    if best > first, best < last {
      let b0 = Double(bend(best - 1)), b1 = Double(bestBend), b2 = Double(bend(best + 1))
      let d = b0 - 2 * b1 + b2
      if d < 0 { onset += max(-0.5, min(0.5, 0.5 * (b0 - b2) / d)) }
    }
    return onset
  }
}

/// Contacts from a foot, ankle or shank sensor, one foot only.
///
/// The anchor of each stride is foot-flat, the quietest moment of the
/// stride (lowest angular speed when a gyroscope is present, else the
/// smallest departure of |a| from 1 g, averaged over ``stillnessWindowS``;
/// zero-velocity detection as in foot-mounted navigation), at most one per
/// ``quietSpacingStrides`` stride periods from the spectrum. Initial contact
/// is the onset (steepest rise) of the largest |a| peak, the impact, in the
/// ``impactSearchStrides`` of a stride before foot-flat. Toe-off is the
/// first |a| peak above ``pushOffMinimumG`` after the foot leaves the quiet
/// band (push-off).
///
/// Accelerometer foot-strike detection is delayed for forefoot strikes and
/// soft shoes (Mitschke 2017, Appl Sci 7:959); contact times from the foot are reported with
/// that caveat.
struct FootContactDetector: ContactDetector {
  /// Window of the moving mean of the stillness signal, s.
  var stillnessWindowS = 0.04
  /// Smallest distance between foot-flat anchors, strides.
  var quietSpacingStrides = 0.6
  /// The impact is searched for in this part of a stride before foot-flat.
  var impactSearchStrides = 0.35
  /// The onset of the impact is searched for this long before its peak, s.
  var onsetReachS = 0.06
  /// A push-off peak of |a| exceeds this, g.
  var pushOffMinimumG: Float = 1.8
  /// The push-off is searched for up to this part of a stride after foot-flat.
  var pushOffSearchStrides = 0.5
  /// The foot has left the quiet band when its stillness signal is this
  /// fraction of the way from the foot-flat level to the median.
  var quietBandFraction: Float = 0.5

  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples period: Double, coreRange: Range<Int>) -> [Contact] {
    let rate = segment.rateHz
    let mag = segment.magnitude.map { $0 / standardGravity }
    let n = mag.count
    let stride = 2 * period
    // Stillness: moving mean.
    let half = max(1, Int(stillnessWindowS / 2 * rate))
    var raw = [Float](repeating: 0, count: n)
    let useGyro = segment.gyroMagnitude.count == n
    for i in 0..<n { raw[i] = useGyro ? segment.gyroMagnitude[i] : abs(mag[i] - 1) }
    var energy = [Float](repeating: 0, count: n)
    var acc: Float = 0
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { acc += raw[i]; prefix[i + 1] = acc }
    for i in 0..<n {
      let a = max(0, i - half), b = min(n, i + half + 1)
      energy[i] = (prefix[b] - prefix[a]) / Float(b - a)
    }
    let medianEnergy = Statistics.quantile(energy, 0.5)
    let quiet = pickPeaks(energy.map { -$0 }, minimum: -medianEnergy, distance: Int(quietSpacingStrides * stride))
    var contacts: [Contact] = []
    let onsetReach = max(1, Int(onsetReachS * rate))
    for q in quiet {
      let lo = max(1, q - Int(impactSearchStrides * stride))
      guard q > lo else { continue }
      var m = lo
      for k in lo..<q where mag[k] > mag[m] { m = k }
      var best = m
      var bestSlope = -Float.infinity
      for k in max(1, m - onsetReach)...m where mag[k] - mag[k - 1] > bestSlope { bestSlope = mag[k] - mag[k - 1]; best = k }
      // Interpolate the onset to a fraction of a sample (parabola through
      // the slope's neighbours).
      var icFrac = Double(best)
      if best > 1, best + 1 < n {
        let s0 = Double(mag[best - 1] - mag[best - 2]), s1 = Double(bestSlope), s2 = Double(mag[best + 1] - mag[best])
        let d = s0 - 2 * s1 + s2
        if d < 0 { icFrac += max(-0.5, min(0.5, 0.5 * (s0 - s2) / d)) }
      }
      // Leave the quiet band, then the push-off peak.
      let level = energy[q] + quietBandFraction * (medianEnergy - energy[q])
      var j = q
      while j < n - 1, energy[j] < level { j += 1 }
      var tc: Double?
      var k = j
      while k < min(n - 1, q + Int(pushOffSearchStrides * stride)) {
        if mag[k] > pushOffMinimumG, mag[k] >= mag[k - 1], mag[k] >= mag[k + 1] { tc = Double(k); break }
        k += 1
      }
      contacts.append(Contact(icIndex: icFrac, tcIndex: tc, anchorIndex: q))
    }
    return contacts
  }
}
