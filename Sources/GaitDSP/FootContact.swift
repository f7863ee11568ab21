//===--- FootContact.swift ------------------------------------------------===//
// One foot on the ground in seconds, as a step record carries it, and
// whether consecutive records are steps or strides.
//===----------------------------------------------------------------------===//
import GaitCore

/// One foot on the ground, in seconds from the input's first sample: from
/// its initial contact (foot strike) to its terminal contact (toe-off).
///
/// ``Contact`` is the same event as a contact detector finds it, in
/// fractional sample indices of one segment; the step metrics turn it into
/// a ``Step`` record, and ``Step/contact`` gives it back in seconds.
///
/// A contact is not a step and not a stride. A *step* runs from one foot's
/// contact to the next contact of either foot; a *stride* from one foot's
/// contact to the next contact of the same foot (two steps). Every ``Step``
/// record is built around one contact (``Step/contact``); what lies between
/// one record's contact and the next record's depends on where the sensor
/// sits (`Placement.recordInterval`).
public struct FootContact: Sendable, Hashable, Codable {
  /// Initial contact (foot strike), seconds from the input's first sample.
  public var icS: Double
  /// Terminal contact (toe-off), seconds from the input's first sample;
  /// `nil` when toe-off was not found.
  public var tcS: Double?
  /// Which foot, when it can be told (a foot or shank sensor: the sensor's
  /// leg when the side was given; a trunk sensor: from the mediolateral sway).
  public var side: Side?
  /// Time on the ground, ms (`tcS − icS`); `nil` when toe-off was not found.
  public var durationMs: Double?

  /// A contact from its events; `durationMs` is the ground contact time
  /// the metrics measured (`nil` without toe-off).
  public init(icS: Double, tcS: Double?, side: Side?, durationMs: Double?) {
    self.icS = icS
    self.tcS = tcS
    self.side = side
    self.durationMs = durationMs
  }
}

/// What lies between one ``Step`` record's initial contact and the next
/// record's.
public enum ContactInterval: String, Sendable, Hashable, Codable, CaseIterable {
  /// To the next contact of either foot: a trunk (hip, sacrum) sensor sees
  /// both feet, so consecutive records alternate feet and each is a step.
  case step
  /// To the next contact of the same foot: a foot or shank sensor sees one
  /// leg, so consecutive records are that leg's contacts and each spans a
  /// stride (two steps). ``Step/stepTimeMs`` is then half the stride.
  case stride
}

extension Placement {
  /// Whether consecutive ``Step`` records of a sensor at this placement are
  /// steps (hip) or strides (foot, shank). The report's `input.placement`
  /// carries the same information (docs/REPORT.md).
  public var recordInterval: ContactInterval {
    switch self {
    case .hip: .step
    case .foot, .shank: .stride
    }
  }
}

extension Step {
  /// The foot contact this record is built around: its initial and
  /// terminal contact, side and ground contact time. Computed from the
  /// record's own fields; nothing extra is stored.
  public var contact: FootContact {
    FootContact(icS: icS, tcS: tcS, side: side, durationMs: groundContactMs)
  }
}
