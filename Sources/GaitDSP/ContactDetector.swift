//===--- ContactDetector.swift --------------------------------------------===//
// The algorithm-object shape of contact detection: parameters in, contacts
// out (the shape of gaitmap's and mobgap's event detectors).
//===----------------------------------------------------------------------===//
import GaitCore

/// One foot on the ground: initial contact (IC, foot strike) to terminal
/// contact (TC, toe-off). Distinct from a step (IC to the next IC of either
/// foot) and a stride (IC to the next IC of the same foot).
///
/// Times are fractional sample indices into the segment the detector was
/// given (0 = the segment's first sample), so sub-sample interpolation is
/// kept until the step metrics convert them to seconds.
public struct Contact: Sendable, Hashable {
  /// Initial contact, fractional sample index in the segment.
  public var icIndex: Double
  /// Terminal contact (toe-off), fractional sample index; `nil` when the
  /// detector cannot time it (e.g. walking at the trunk).
  public var tcIndex: Double?
  /// The sample that places the contact in a segment's core: the stance
  /// peak at the trunk, foot-flat at the foot. A contact belongs to the
  /// segment whose core holds its anchor, so that every contact is reported
  /// exactly once however the stream is cut.
  public var anchorIndex: Int

  /// A contact at fractional sample indices of its segment.
  public init(icIndex: Double, tcIndex: Double?, anchorIndex: Int) {
    self.icIndex = icIndex
    self.tcIndex = tcIndex
    self.anchorIndex = anchorIndex
  }
}

/// A contact (gait event) detector for one sensor placement.
///
/// A detector is a value holding its parameters as stored properties (no
/// bare literals in its algorithm, no other state) and one method that
/// turns a prepared segment into contacts. It does nothing else: no step
/// metrics, no trunk lean, no change to the segment. Those are the jobs of
/// the step-metrics and lean calculators of the ``PlacementProfile`` that
/// owns the detector.
///
/// What a detector gets (``detectContacts(in:stepPeriodSamples:coreRange:)``):
/// - `segment`: the segment after alignment and the zero-phase low-pass:
///   - `segment.rateHz`: sample rate, Hz;
///   - `segment.vertical`: specific force along gravity (up +), m/s², with
///     gravity (≈ +9.81 standing);
///   - `segment.anteroposterior`: along the horizontal principal direction
///     of motion, m/s². Its sign is **not yet** settled (the profile settles
///     it from braking after detection), so a detector must not depend on it;
///   - `segment.mediolateral`: the third axis (right-handed), m/s², same
///     caveat on sign; `segment.hasMediolateral` is false for two-axis data;
///   - `segment.magnitude`: |a|, m/s², low-passed;
///   - `segment.gyroMagnitude`: |ω|, rad/s, or empty without a gyroscope.
/// - `stepPeriodSamples`: the prior step period (one foot to the other) in
///   samples, from the segment's spectrum; a stride is twice it.
/// - `coreRange`: the samples this segment reports. The segment extends a
///   margin beyond it on both sides; return the contacts of the whole
///   segment (neighbours are needed for step and stride times), the profile
///   keeps those whose ``Contact/anchorIndex`` lies in the core.
///
/// What it returns: contacts in ascending IC order, one per stance.
///
/// A new placement or a new method is one new type conforming to this
/// protocol, used by a (new) ``PlacementProfile``.
protocol ContactDetector: Sendable {
  /// The contacts in `segment`, ascending; see the type's documentation.
  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples: Double, coreRange: Range<Int>) -> [Contact]
}
