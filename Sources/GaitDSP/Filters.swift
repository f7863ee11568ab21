//===--- Filters.swift ----------------------------------------------------===//
// Butterworth filters as biquad cascades, applied forward and backward.
//===----------------------------------------------------------------------===//

/// One second-order section, direct form II transposed.
public struct Biquad: Sendable, Hashable {
  /// Coefficients, normalised so that a0 = 1: y = b0·x + b1·x₋₁ + b2·x₋₂ − a1·y₋₁ − a2·y₋₂.
  public var b0, b1, b2, a1, a2: Float

  /// Low-pass section (RBJ audio-EQ cookbook, bilinear transform with
  /// pre-warping) at `cutoffHz` with quality `q`.
  public static func lowPass(cutoffHz: Double, sampleRateHz: Double, q: Double) -> Biquad {
    let w0 = 2 * Double.pi * cutoffHz / sampleRateHz
    let c = cos(w0), alpha = sin(w0) / (2 * q), a0 = 1 + alpha
    return Biquad(b0: Float((1 - c) / 2 / a0), b1: Float((1 - c) / a0), b2: Float((1 - c) / 2 / a0),
                  a1: Float(-2 * c / a0), a2: Float((1 - alpha) / a0))
  }

  /// High-pass section at `cutoffHz` with quality `q`.
  public static func highPass(cutoffHz: Double, sampleRateHz: Double, q: Double) -> Biquad {
    let w0 = 2 * Double.pi * cutoffHz / sampleRateHz
    let c = cos(w0), alpha = sin(w0) / (2 * q), a0 = 1 + alpha
    return Biquad(b0: Float((1 + c) / 2 / a0), b1: Float(-(1 + c) / a0), b2: Float((1 + c) / 2 / a0),
                  a1: Float(-2 * c / a0), a2: Float((1 - alpha) / a0))
  }
}

/// A 4th-order Butterworth filter (two sections with Q = 0.5412 and 1.3066)
/// applied forward and backward: zero phase, 8th-order magnitude. Zero phase
/// matters here: a causal filter shifts contact times by its group delay
/// (GaitPy and skdh filter forward and backward for the same reason).
public struct ZeroPhaseButterworth: Sendable, Hashable {
  /// The second-order sections, applied in order.
  public let sections: [Biquad]
  /// Samples of odd reflection added at each end to settle the filter.
  public let padding: Int

  /// A low-pass at `cutoffHz`; 20 Hz is the skdh/GaitPy setting for trunk
  /// acceleration (docs/EVIDENCE.md, methods).
  public static func lowPass(cutoffHz: Double, sampleRateHz: Double) -> ZeroPhaseButterworth {
    ZeroPhaseButterworth(
      sections: [0.54119610, 1.3065630].map { Biquad.lowPass(cutoffHz: cutoffHz, sampleRateHz: sampleRateHz, q: $0) },
      padding: Int((3 * sampleRateHz / cutoffHz).rounded(.up)))
  }

  /// A high-pass at `cutoffHz`.
  public static func highPass(cutoffHz: Double, sampleRateHz: Double) -> ZeroPhaseButterworth {
    ZeroPhaseButterworth(
      sections: [0.54119610, 1.3065630].map { Biquad.highPass(cutoffHz: cutoffHz, sampleRateHz: sampleRateHz, q: $0) },
      padding: Int((3 * sampleRateHz / cutoffHz).rounded(.up)))
  }
}

extension ZeroPhaseButterworth {
  /// Filters four equally long signals in place at once, one per SIMD lane
  /// (a quarter of the instructions of four scalar passes). Each lane starts
  /// from the steady state for its first sample after an odd reflection of
  /// ``padding`` samples at both ends. `scratch` is reused between calls.
  public func apply4(_ a: inout [Float], _ b: inout [Float], _ c: inout [Float], _ d: inout [Float],
                     scratch: inout [SIMD4<Float>]) {
    apply4(&a, &b, &c, &d, scratch: &scratch, fused: true)
  }

  /// ``apply4(_:_:_:_:scratch:)``; `fused: false` runs each section as its
  /// own pass (the reference the fused passes are tested against).
  func apply4(_ a: inout [Float], _ b: inout [Float], _ c: inout [Float], _ d: inout [Float],
              scratch: inout [SIMD4<Float>], fused: Bool) {
    let n = a.count
    precondition(b.count == n && c.count == n && d.count == n)
    guard n > 1 else { return }
    let pad = min(padding, n - 1)
    let total = n + 2 * pad
    if scratch.count != total { scratch = [SIMD4<Float>](repeating: .zero, count: total) }
    a.withUnsafeMutableBufferPointer { pa in
      b.withUnsafeMutableBufferPointer { pb in
        c.withUnsafeMutableBufferPointer { pc in
          d.withUnsafeMutableBufferPointer { pd in
            scratch.withUnsafeMutableBufferPointer { x in
              @inline(__always) func at(_ i: Int) -> SIMD4<Float> { SIMD4(pa[i], pb[i], pc[i], pd[i]) }
              let first = at(0), last = at(n - 1)
              // Odd reflection at both ends settles the filter.
              for k in 0..<pad { x[k] = 2 * first - at(pad - k) }
              for k in 0..<pad { x[pad + n + k] = 2 * last - at(n - 2 - k) }
              if fused, sections.count == 2 {
                // Both sections in one pass each way; the forward pass reads
                // the four signals directly and the backward pass writes them
                // (no separate interleaving passes). The backward outputs of
                // the pads are never read: the right pad only settles the
                // state, the left one is not run.
                // The four signals interleaved into the scratch four samples
                // at a time (one vector load per signal and a 4×4 transpose
                // instead of sixteen scalar loads), then both passes in
                // place, then back out the same way. Each sample still goes
                // through `step` in order, so the arithmetic is unchanged.
                let ra = UnsafeRawPointer(pa.baseAddress!), rb = UnsafeRawPointer(pb.baseAddress!)
                let rc = UnsafeRawPointer(pc.baseAddress!), rd = UnsafeRawPointer(pd.baseAddress!)
                let px = x.baseAddress! + pad
                let fs = MemoryLayout<Float>.stride
                var i = 0
                while i + 4 <= n {
                  let o = i &* fs
                  (px[i], px[i + 1], px[i + 2], px[i + 3]) = transpose4(
                    ra.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self), rb.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self),
                    rc.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self), rd.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self))
                  i &+= 4
                }
                while i < n { px[i] = at(i); i += 1 }
                let all = x.baseAddress!
                var forward = FusedSections(sections[0], sections[1], first: pad > 0 ? all[0] : first)
                for k in 0..<total { all[k] = forward.step(all[k]) }
                var backward = FusedSections(sections[0], sections[1], first: all[total - 1])
                var k = total - 1
                while k >= pad + n { _ = backward.step(all[k]); k -= 1 }
                while k >= pad { all[k] = backward.step(all[k]); k -= 1 }
                let wa = UnsafeMutableRawPointer(pa.baseAddress!), wb = UnsafeMutableRawPointer(pb.baseAddress!)
                let wc = UnsafeMutableRawPointer(pc.baseAddress!), wd = UnsafeMutableRawPointer(pd.baseAddress!)
                i = 0
                while i + 4 <= n {
                  let o = i &* fs
                  let (va, vb, vc, vd) = transpose4(px[i], px[i + 1], px[i + 2], px[i + 3])
                  wa.storeBytes(of: va, toByteOffset: o, as: SIMD4<Float>.self)
                  wb.storeBytes(of: vb, toByteOffset: o, as: SIMD4<Float>.self)
                  wc.storeBytes(of: vc, toByteOffset: o, as: SIMD4<Float>.self)
                  wd.storeBytes(of: vd, toByteOffset: o, as: SIMD4<Float>.self)
                  i &+= 4
                }
                while i < n {
                  let v = px[i]
                  pa[i] = v[0]; pb[i] = v[1]; pc[i] = v[2]; pd[i] = v[3]
                  i += 1
                }
                return
              }
              for i in 0..<n { x[pad + i] = at(i) }
              for s in sections { s.run4(x, reversed: false) }
              for s in sections { s.run4(x, reversed: true) }
              for i in 0..<n {
                let v = x[pad + i]
                pa[i] = v[0]; pb[i] = v[1]; pc[i] = v[2]; pd[i] = v[3]
              }
            }
          }
        }
      }
    }
  }
}

extension Biquad {
  /// Runs the section over `x` in place (direct form II transposed), forward
  /// or backward, starting from the steady state for the first sample.
  @inline(__always)
  func run4(_ x: UnsafeMutableBufferPointer<SIMD4<Float>>, reversed: Bool) {
    let n = x.count
    guard n > 0 else { return }
    let first = reversed ? x[n - 1] : x[0]
    let dcGain = (b0 + b1 + b2) / (1 + a1 + a2)
    let y0 = first * dcGain
    var z1 = y0 - b0 * first
    var z2 = b2 * first - a2 * y0
    if reversed {
      var i = n - 1
      while i >= 0 {
        let v = x[i]
        let y = b0 * v + z1
        z1 = b1 * v - a1 * y + z2
        z2 = b2 * v - a2 * y
        x[i] = y
        i -= 1
      }
    } else {
      for i in 0..<n {
        let v = x[i]
        let y = b0 * v + z1
        z1 = b1 * v - a1 * y + z2
        z2 = b2 * v - a2 * y
        x[i] = y
      }
    }
  }
}

/// The 4×4 transpose: lane `k` of result `j` is lane `j` of argument `k`.
@inline(__always)
func transpose4(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>)
  -> (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>)
{
  // (a0 a1 b0 b1), (c0 c1 d0 d1), then even and odd lanes of each.
  let abLow = SIMD4(lowHalf: a.lowHalf, highHalf: b.lowHalf), cdLow = SIMD4(lowHalf: c.lowHalf, highHalf: d.lowHalf)
  let abHigh = SIMD4(lowHalf: a.highHalf, highHalf: b.highHalf), cdHigh = SIMD4(lowHalf: c.highHalf, highHalf: d.highHalf)
  return (SIMD4(lowHalf: abLow.evenHalf, highHalf: cdLow.evenHalf), SIMD4(lowHalf: abLow.oddHalf, highHalf: cdLow.oddHalf),
          SIMD4(lowHalf: abHigh.evenHalf, highHalf: cdHigh.evenHalf), SIMD4(lowHalf: abHigh.oddHalf, highHalf: cdHigh.oddHalf))
}

/// Sections `p` then `q` run sample by sample (direct form II transposed):
/// the same arithmetic in the same order as two passes of
/// ``Biquad/run4(_:reversed:)`` (bit-identical output), but each sample is
/// loaded and stored once, and the caller chooses where samples come from
/// and go to. `q` starts from the steady state for `p`'s first output, as
/// its own pass would.
struct FusedSections {
  let p: Biquad, q: Biquad
  var pz1, pz2, qz1, qz2: SIMD4<Float>

  /// The steady state for the first input `first`.
  @inline(__always)
  init(_ p: Biquad, _ q: Biquad, first: SIMD4<Float>) {
    self.p = p
    self.q = q
    let pGain = (p.b0 + p.b1 + p.b2) / (1 + p.a1 + p.a2)
    let py0 = first * pGain
    pz1 = py0 - p.b0 * first
    pz2 = p.b2 * first - p.a2 * py0
    // p's first output is q's first input.
    let qFirst = p.b0 * first + pz1
    let qGain = (q.b0 + q.b1 + q.b2) / (1 + q.a1 + q.a2)
    let qy0 = qFirst * qGain
    qz1 = qy0 - q.b0 * qFirst
    qz2 = q.b2 * qFirst - q.a2 * qy0
  }

  /// The output for the next input `v`.
  @inline(__always)
  mutating func step(_ v: SIMD4<Float>) -> SIMD4<Float> {
    let u = p.b0 * v + pz1
    pz1 = p.b1 * v - p.a1 * u + pz2
    pz2 = p.b2 * v - p.a2 * u
    let y = q.b0 * u + qz1
    qz1 = q.b1 * u - q.a1 * y + qz2
    qz2 = q.b2 * u - q.a2 * y
    return y
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
