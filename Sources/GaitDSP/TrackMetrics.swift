//===--- TrackMetrics.swift -----------------------------------------------===//
// Steps on a watch track: each step's speed and distance from the track at
// its time, step length = speed × step time, vertical ratio = vertical
// oscillation / step length × 100 (Garmin's definition, docs/EVIDENCE.md),
// and per-kilometre splits.
//===----------------------------------------------------------------------===//
import GaitCore

/// What the track says about one step. `nil` where the step lies outside
/// the track's time span or the step has no step time / oscillation.
public struct StepTrack: Sendable, Hashable {
  /// Track speed at the middle of the step, m/s.
  public var speedMps: Double?
  /// Track distance at the step's initial contact, m from the track's start.
  public var distanceM: Double?
  /// Speed × step time, m.
  public var stepLengthM: Double?
  /// Vertical oscillation / step length × 100, %.
  public var verticalRatioPct: Double?

  /// A step's track values; each is `nil` when not known.
  public init(speedMps: Double? = nil, distanceM: Double? = nil, stepLengthM: Double? = nil, verticalRatioPct: Double? = nil) {
    self.speedMps = speedMps
    self.distanceM = distanceM
    self.stepLengthM = stepLengthM
    self.verticalRatioPct = verticalRatioPct
  }
}

/// One kilometre of the track (the part the recording covers): the steps
/// whose initial contact lies at track distance [1000·(km−1), 1000·km).
/// Its JSON form is an entry of the report's `track.splits` (the keys
/// below); the first and last split cover only part of their kilometre.
public struct TrackSplit: Sendable, Hashable {
  /// `km`: the kilometre of the track, 1 for its first.
  public var km: Int
  /// `start_m`: track distance of the split's first step contact, m.
  public var startM: Double
  /// `end_m`: track distance of the split's last step contact, m.
  public var endM: Double
  /// `start_s`: recording time of the split's first step contact, s.
  public var startS: Double
  /// `end_s`: recording time of the split's last step contact, s.
  public var endS: Double
  /// `steps`: steps whose initial contact lies in the split.
  public var steps: Int
  /// `running_steps`: of them, the steps in running bouts.
  public var runningSteps: Int
  /// `cadence_spm`: median cadence over the split's steps (running steps
  /// when the run has enough, as ``RunSummary/basis``), spm.
  public var cadenceSpm: Double?
  /// `ground_contact_ms`: median ground contact time, ms.
  public var groundContactMs: Double?
  /// `vertical_oscillation_cm`: median vertical oscillation, cm (hip only).
  public var verticalOscillationCm: Double?
  /// `step_length_m`: median step length (speed × step time), m.
  public var stepLengthM: Double?
  /// `vertical_ratio_pct`: median vertical ratio (vertical oscillation /
  /// step length × 100), %.
  public var verticalRatioPct: Double?
  /// `pace_s_per_km`: time per kilometre over the split, (endS − startS) /
  /// (endM − startM) × 1000, s/km; `nil` when the split covers no distance.
  public var paceSPerKm: Double?
}

/// A split is coded as the report writes it (`track.splits[]`).
extension TrackSplit: Codable {
  enum CodingKeys: String, CodingKey {
    case km, steps
    case startM = "start_m", endM = "end_m", startS = "start_s", endS = "end_s", runningSteps = "running_steps"
    case cadenceSpm = "cadence_spm", groundContactMs = "ground_contact_ms", verticalOscillationCm = "vertical_oscillation_cm"
    case stepLengthM = "step_length_m", verticalRatioPct = "vertical_ratio_pct", paceSPerKm = "pace_s_per_km"
  }
}

/// The steps of one analysis on a track.
public struct TrackAnalysis: Sendable, Hashable {
  /// `gpx`, `tcx` or `fit`, and the file.
  public var format: String
  /// The track file.
  public var path: String
  /// Where the track's distance came from: `positions` or `file` (`Track.distanceSource`).
  public var distanceSource: String
  /// Where the track's speed came from: `distance` or `file` (`Track.speedSource`).
  public var speedSource: String
  /// The track's time span, Unix seconds.
  public var trackStartUnixS: Double
  /// End of the track's time span, Unix seconds.
  public var trackEndUnixS: Double
  /// The recording's first sample on the track's clock, Unix seconds
  /// (the recording's start time plus ``offsetS``).
  public var recordingStartUnixS: Double
  /// Where the recording's start time came from: `file` or `option`
  /// (--start-time).
  public var startTimeSource: String
  /// Seconds added to the recording's clock (--track-offset).
  public var offsetS: Double
  /// One per step of the analysis, in step order.
  public var steps: [StepTrack]
  /// Steps outside the track's time span (no speed, no distance).
  public var stepsOutside: Int
  /// Per-kilometre splits of the part of the track the recording covers, in order.
  public var splits: [TrackSplit]
  /// Over the steps on the track (running steps when there are enough).
  public var speedMps: Distribution?
  /// Step length (speed × step time) of the steps on the track, m.
  public var stepLengthM: Distribution?
  /// Vertical ratio (vertical oscillation / step length × 100) of the steps on the track, %.
  public var verticalRatioPct: Distribution?
  /// Track distance from the first to the last step on the track, m.
  public var distanceCoveredM: Double?
  /// Notes on the alignment and the track (steps outside it, missing fields).
  public var warnings: [String]
}

/// Why a recording cannot be placed on a track.
public enum TrackAlignmentError: Error, Sendable, Equatable {
  /// The recording's clock span and the track's do not overlap.
  case noOverlap(recordingStartUnixS: Double, recordingEndUnixS: Double, trackStartUnixS: Double, trackEndUnixS: Double)
}

/// Places `steps` on `track`. `recordingStartUnixS` is the time of the
/// recording's first sample on the track's clock (start time + offset);
/// `durationS` the recording's length. Throws
/// ``TrackAlignmentError/noOverlap(recordingStartUnixS:recordingEndUnixS:trackStartUnixS:trackEndUnixS:)``
/// when the two time spans do not meet.
public func alignSteps(_ steps: [Step], durationS: Double, on track: Track, recordingStartUnixS start: Double,
                       startTimeSource: String, offsetS: Double) throws -> TrackAnalysis {
  guard let t0 = track.startUnixS, let t1 = track.endUnixS, start <= t1, start + durationS >= t0 else {
    throw TrackAlignmentError.noOverlap(recordingStartUnixS: start, recordingEndUnixS: start + durationS,
                                        trackStartUnixS: track.startUnixS ?? .nan, trackEndUnixS: track.endUnixS ?? .nan)
  }
  var out: [StepTrack] = []
  out.reserveCapacity(steps.count)
  var outside = 0
  for s in steps {
    var st = StepTrack()
    if let at = track.sample(atUnixS: start + s.icS) {
      st.distanceM = at.distanceM
      let mid = start + s.icS + (s.stepTimeMs ?? 0) / 2000
      st.speedMps = (track.sample(atUnixS: mid) ?? at).speedMps
      if let ms = s.stepTimeMs, let v = st.speedMps {
        let length = v * ms / 1000
        st.stepLengthM = length
        if let vo = s.verticalOscillationCm, length > 0 { st.verticalRatioPct = vo / (length * 100) * 100 }
      }
    } else {
      outside += 1
    }
    out.append(st)
  }
  let runningOnTrack = zip(steps, out).reduce(0) { $0 + ($1.0.running && $1.1.distanceM != nil ? 1 : 0) }
  let onlyRunning = runningOnTrack >= RunSummary.minimumRunningSteps
  func basis(_ k: Int) -> Bool { out[k].distanceM != nil && (!onlyRunning || steps[k].running) }
  var speed: [Double] = [], length: [Double] = [], ratio: [Double] = []
  for k in steps.indices where basis(k) {
    if let v = out[k].speedMps { speed.append(v) }
    if let v = out[k].stepLengthM { length.append(v) }
    if let v = out[k].verticalRatioPct { ratio.append(v) }
  }
  // Splits by whole kilometres of track distance.
  var splits: [TrackSplit] = []
  var k = 0
  while k < steps.count {
    guard let d = out[k].distanceM else { k += 1; continue }
    let km = Int((d / 1000).rounded(.down)) + 1
    var j = k
    var members: [Int] = []
    while j < steps.count {
      if let dj = out[j].distanceM {
        guard Int((dj / 1000).rounded(.down)) + 1 == km else { break }
        members.append(j)
      }
      j += 1
    }
    let running = members.filter { steps[$0].running }
    let use = onlyRunning ? running : members
    func median(_ f: (Int) -> Double?) -> Double? { Statistics.median(use.compactMap(f)) }
    let first = members.first!, last = members.last!
    let dm = out[last].distanceM! - out[first].distanceM!
    let dt = steps[last].icS - steps[first].icS
    splits.append(TrackSplit(
      km: km, startM: out[first].distanceM!, endM: out[last].distanceM!, startS: steps[first].icS, endS: steps[last].icS,
      steps: members.count, runningSteps: running.count,
      cadenceSpm: median { steps[$0].stepTimeMs.map { 60_000 / $0 } },
      groundContactMs: median { steps[$0].groundContactMs },
      verticalOscillationCm: median { steps[$0].verticalOscillationCm },
      stepLengthM: median { out[$0].stepLengthM },
      verticalRatioPct: median { out[$0].verticalRatioPct },
      paceSPerKm: dm > 0 ? dt / dm * 1000 : nil))
    k = j
  }
  let onTrack = out.compactMap(\.distanceM)
  var warnings: [String] = []
  if outside > 0 {
    warnings.append("\(outside) of \(steps.count) steps fall outside the track's time span (\(formatSpan(t0, t1))); they have no speed or distance")
  }
  return TrackAnalysis(
    format: track.format, path: track.path, distanceSource: track.distanceSource, speedSource: track.speedSource,
    trackStartUnixS: t0, trackEndUnixS: t1, recordingStartUnixS: start, startTimeSource: startTimeSource, offsetS: offsetS,
    steps: out, stepsOutside: outside, splits: splits,
    speedMps: Distribution(speed), stepLengthM: Distribution(length), verticalRatioPct: Distribution(ratio),
    distanceCoveredM: onTrack.count >= 2 ? onTrack.last! - onTrack.first! : nil,
    warnings: track.warnings + warnings)
}

/// `2026-05-03 07:00:00–07:42:10 UTC` (or with both dates when they differ).
public func formatSpan(_ a: Double, _ b: Double) -> String {
  let (da, ta) = utcDateTime(a), (db, tb) = utcDateTime(b)
  return da == db ? "\(da) \(ta)–\(tb) UTC" : "\(da) \(ta) – \(db) \(tb) UTC"
}

/// Date (`2026-05-03`) and time (`07:00:00`) of Unix seconds, UTC (civil
/// calendar from days, H. Hinnant's algorithm).
public func utcDateTime(_ unixS: Double) -> (date: String, time: String) {
  guard unixS.isFinite else { return ("?", "?") }
  let whole = Int(unixS.rounded(.down))
  let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
  let secs = whole - days * 86_400
  let z = days + 719_468
  let era = (z >= 0 ? z : z - 146_096) / 146_097
  let doe = z - era * 146_097
  let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
  let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
  let mp = (5 * doy + 2) / 153
  let d = doy - (153 * mp + 2) / 5 + 1
  let m = mp < 10 ? mp + 3 : mp - 9
  let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
  return ("\(y)-\(two(m))-\(two(d))", "\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))")
}
