//===--- Track.swift ------------------------------------------------------===//
// A runner's watch track (GPX, TCX or FIT of the same run): time, distance
// and speed, to give the accelerometer's steps a speed and a place on the
// course. The readers live in GaitIngest; the per-step use in GaitDSP.
//===----------------------------------------------------------------------===//

/// One point of a track after reading: absolute time, distance along the
/// track from its first point, and speed.
public struct TrackPoint: Sendable, Hashable {
  /// Unix seconds (UTC).
  public var timeUnixS: Double
  /// Distance along the track from its first point, m (non-decreasing).
  public var distanceM: Double
  /// Speed at this point, m/s (smoothed; see ``Track/speedSource``).
  public var speedMps: Double

  /// A track point; see each property.
  public init(timeUnixS: Double, distanceM: Double, speedMps: Double) {
    self.timeUnixS = timeUnixS
    self.distanceM = distanceM
    self.speedMps = speedMps
  }
}

/// A watch track: points in time order with distance and speed.
public struct Track: Sendable, Hashable {
  /// `gpx`, `tcx` or `fit`.
  public var format: String
  /// The file it was read from.
  public var path: String
  /// Points in strictly increasing time.
  public var points: [TrackPoint]
  /// Where distance came from: `positions` (haversine between
  /// latitude/longitude points) or `file` (the device's distance field).
  public var distanceSource: String
  /// Where speed came from: `distance` (the change of distance over a
  /// centred window, ``Track/speedWindowS``) or `file` (the device's speed
  /// field).
  public var speedSource: String
  /// Notes from reading (points dropped, fields missing).
  public var warnings: [String]

  /// Width of the centred window over which speed is taken from distance,
  /// s: GPS positions at 1 Hz scatter by metres, so a point-to-point speed
  /// jumps by ±1 m/s; over 10 s the scatter falls to a few percent.
  public static let speedWindowS = 10.0

  /// A track from its parts; `points` must be in strictly increasing time.
  public init(format: String, path: String, points: [TrackPoint], distanceSource: String, speedSource: String,
              warnings: [String] = []) {
    self.format = format
    self.path = path
    self.points = points
    self.distanceSource = distanceSource
    self.speedSource = speedSource
    self.warnings = warnings
  }

  /// Time of the first point, Unix seconds.
  public var startUnixS: Double? { points.first?.timeUnixS }
  /// Time of the last point, Unix seconds.
  public var endUnixS: Double? { points.last?.timeUnixS }

  /// Distance and speed at `t` (Unix seconds), linearly interpolated
  /// between the points around it; `nil` outside the track's time span.
  public func sample(atUnixS t: Double) -> (distanceM: Double, speedMps: Double)? {
    guard let first = points.first, let last = points.last, t >= first.timeUnixS, t <= last.timeUnixS else { return nil }
    // Binary search for the last point at or before t.
    var lo = 0, hi = points.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if points[mid].timeUnixS <= t { lo = mid } else { hi = mid - 1 }
    }
    let a = points[lo]
    guard lo + 1 < points.count else { return (a.distanceM, a.speedMps) }
    let b = points[lo + 1]
    let f = (t - a.timeUnixS) / (b.timeUnixS - a.timeUnixS)
    return (a.distanceM + f * (b.distanceM - a.distanceM), a.speedMps + f * (b.speedMps - a.speedMps))
  }

  /// Speeds from distance: for each point, the distance covered over the
  /// centred window ``speedWindowS`` (shrunk at the ends) divided by its
  /// duration. `times` strictly increasing, `distances` non-decreasing.
  public static func speedsFromDistance(times: [Double], distances: [Double], windowS: Double = speedWindowS) -> [Double] {
    precondition(times.count == distances.count)
    let n = times.count
    guard n >= 2 else { return Array(repeating: 0, count: n) }
    var speeds = [Double](repeating: 0, count: n)
    var lo = 0, hi = 0
    for i in 0..<n {
      while times[i] - times[lo] > windowS / 2 { lo += 1 }
      if hi < i { hi = i }
      while hi + 1 < n, times[hi + 1] - times[i] <= windowS / 2 { hi += 1 }
      var a = lo, b = hi
      // At least one neighbouring interval.
      if a == b { if b + 1 < n { b += 1 } else { a -= 1 } }
      speeds[i] = (distances[b] - distances[a]) / (times[b] - times[a])
    }
    return speeds
  }
}
