//===--- HTMLReport.swift -------------------------------------------------===//
// One self-contained HTML file: inline CSS and SVG, no scripts, no network.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitScoring
import GaitIngest
import Foundation

func escapeHTML(_ s: String) -> String {
  s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// About `target` tick values at 1, 2 or 5 × 10ⁿ that cover `lo`…`hi`, and
/// their spacing.
func niceTicks(_ lo: Double, _ hi: Double, target: Int = 5) -> (values: [Double], step: Double) {
  let span = max(hi - lo, 1e-9)
  let raw = span / Double(max(target, 1))
  let magnitude = pow(10, floor(log10(raw)))
  let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
  var values: [Double] = []
  var v = (lo / step).rounded(.up) * step
  while v <= hi + step * 1e-9 {
    values.append(abs(v) < step * 1e-9 ? 0 : v)
    v += step
  }
  return (values, step)
}

/// A tick label with as many decimals as the tick spacing needs.
func niceLabel(_ v: Double, step: Double) -> String {
  let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
  return String(format: "%.\(decimals)f", v)
}

/// Time ticks at whole seconds, minutes or hours (1, 2, 5, 10, 15, 30 s; 1,
/// 2, 5, 10, 15, 30 min; 1, 2 h) covering `lo`…`hi` seconds.
func timeTicks(_ lo: Double, _ hi: Double, target: Int = 6) -> [Double] {
  let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]
  let step = steps.first { (hi - lo) / $0 <= Double(target) } ?? 7200
  var values: [Double] = []
  var v = (lo / step).rounded(.up) * step
  while v <= hi + 1e-9 { values.append(v); v += step }
  return values
}

/// `m:ss`, or `h:mm:ss` from an hour on.
func clockLabel(_ seconds: Double) -> String {
  let t = Int(seconds.rounded())
  return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
}

/// The median of the `window` points centred on each point (fewer at the
/// ends), for a line that follows the run without the step-to-step scatter.
func rollingMedian(_ points: [(Double, Double)], window: Int) -> [(Double, Double)] {
  guard window > 1 else { return points }
  let half = window / 2
  // The window slides: one value leaves and one enters a sorted buffer per
  // point (binary search), not a sort per point (a 10-hour run has 100 000
  // steps and a 1 000-step window). Values whose order a sort leaves open
  // (NaN, -0 beside 0) take the sort per point, which defines the result.
  guard points.allSatisfy({ $0.1.isFinite && !($0.1 == 0 && $0.1.sign == .minus) }) else {
    return rollingMedianBySorting(points, half: half)
  }
  func position(_ v: Double, in b: [Double]) -> Int {
    var lo = 0, hi = b.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if b[mid] < v { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }
  var sorted: [Double] = []
  sorted.reserveCapacity(window + 1)
  var out: [(Double, Double)] = []
  out.reserveCapacity(points.count)
  var next = 0  // the next index to enter the window
  for i in points.indices {
    let lo = max(0, i - half), hi = min(points.count - 1, i + half)
    while next <= hi {
      let v = points[next].1
      sorted.insert(v, at: position(v, in: sorted))
      next += 1
    }
    if i - half - 1 >= 0 {
      let v = points[i - half - 1].1
      sorted.remove(at: position(v, in: sorted))
    }
    precondition(sorted.count == hi - lo + 1)
    let n = sorted.count
    out.append((points[i].0, n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2))
  }
  return out
}

/// ``rollingMedian(_:window:)`` by sorting each window.
func rollingMedianBySorting(_ points: [(Double, Double)], half: Int) -> [(Double, Double)] {
  var buffer: [Double] = []
  buffer.reserveCapacity(2 * half + 1)
  return points.indices.map { i in
    buffer.removeAll(keepingCapacity: true)
    for j in max(0, i - half)...min(points.count - 1, i + half) { buffer.append(points[j].1) }
    buffer.sort()
    let m = buffer.count % 2 == 1 ? buffer[buffer.count / 2] : (buffer[buffer.count / 2 - 1] + buffer[buffer.count / 2]) / 2
    return (points[i].0, m)
  }
}

/// ``rollingMedian(_:window:)`` at `indices` only (each in
/// `points.indices`), for a chart that draws a few of a long run's points:
/// each window's median found by selection, the same value a sorted window
/// gives (its values are finite and without -0, so their order is unique;
/// otherwise every point is found by sorting, as there).
func rollingMedian(_ points: [(Double, Double)], window: Int, at indices: [Int]) -> [(Double, Double)] {
  guard window > 1 else { return indices.map { points[$0] } }
  let half = window / 2
  guard points.allSatisfy({ $0.1.isFinite && !($0.1 == 0 && $0.1.sign == .minus) }) else {
    let all = rollingMedianBySorting(points, half: half)
    return indices.map { all[$0] }
  }
  var scratch = [Double](repeating: 0, count: 2 * half + 1)
  return scratch.withUnsafeMutableBufferPointer { b in
    indices.map { i in
      let lo = max(0, i - half), hi = min(points.count - 1, i + half)
      let n = hi - lo + 1
      for j in 0..<n { b[j] = points[lo + j].1 }
      let m = n / 2
      let upper = Statistics.select(UnsafeMutableBufferPointer(rebasing: b[..<n]), rank: m)
      guard n % 2 == 0 else { return (points[i].0, upper) }
      // The largest of the lower half is the element just below rank m.
      var below = b[0]
      for j in 1..<m { below = max(below, b[j]) }
      return (points[i].0, (below + upper) / 2)
    }
  }
}

/// `v` as `String(format: "%.1f", v)` prints it, through
/// ``formatFixed(_:digits:into:)`` (Foundation's formatter only near a tie).
func fixed1(_ v: Double) -> String {
  withUnsafeTemporaryAllocation(of: UInt8.self, capacity: fixedTextCapacity) { buf in
    guard let n = formatFixed(v, digits: 1, into: buf.baseAddress!) else { return String(format: "%.1f", v) }
    return String(decoding: UnsafeBufferPointer(rebasing: buf[..<n]), as: UTF8.self)
  }
}

/// Text of a chart's marks built as bytes: a literal, or a number as
/// `String(format: "%.1f", v)` prints it.
struct MarkBytes {
  var bytes: [UInt8] = []

  mutating func append(_ s: StaticString) {
    bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
  }

  mutating func appendFixed1(_ v: Double) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: fixedTextCapacity) { buf in
      if let n = formatFixed(v, digits: 1, into: buf.baseAddress!) {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[..<n]))
      } else {
        bytes.append(contentsOf: String(format: "%.1f", v).utf8)
      }
    }
  }
}

/// An SVG chart of a metric over the run (`points`: time in seconds, value):
/// each step as a faint dot (at most 800, evenly thinned), a rolling median as
/// a line, labelled axes at nice values, time as m:ss, a legend, and an
/// optional shaded typical range.
func svgSeries(id: String, title: String, unit: String, points: [(Double, Double)],
               band: (low: Double, high: Double, label: String)? = nil, perSegment: Bool = false,
               distanceAxis: Bool = false) -> String {
  let w = 480.0, h = 250.0, left = 54.0, right = 14.0, top = 46.0, bottom = 42.0
  guard !points.isEmpty else {
    return "<figure class=\"chart\" id=\"\(id)\"><figcaption>\(escapeHTML(title))</figcaption><p class=\"empty\">not measured for this recording</p></figure>"
  }
  // 15 steps, or 1 % of a long run; fewer on a short recording.
  let window = perSegment ? 1 : max(min(15, max(1, (points.count / 2) | 1)), (points.count / 100) | 1)
  // At most 800 points of the line (and the last): of a long run only the
  // medians at those points are found.
  var line: [(Double, Double)]
  if points.count > 800 {
    let k = (points.count + 799) / 800
    let kept = Array(Swift.stride(from: 0, to: points.count, by: k)) + [points.count - 1]
    line = perSegment ? kept.map { points[$0] } : rollingMedian(points, window: window, at: kept)
  } else {
    line = perSegment ? points : rollingMedian(points, window: window)
  }
  // The y range holds the line, the central 96 % of the points and the band;
  // stray points beyond it are clipped at the plot's edge.
  // Quantiles by the one definition (`Statistics`, Hyndman & Fan 7).
  let values = points.lazy.map(\.1)
  let q02 = Statistics.quantile(values, 0.02)!, q98 = Statistics.quantile(values, 0.98)!
  var ymin = min(q02, line.map(\.1).min()!), ymax = max(q98, line.map(\.1).max()!)
  if let band { ymin = min(ymin, band.low); ymax = max(ymax, band.high) }
  if ymax - ymin < 1e-6 { ymin -= 1; ymax += 1 }
  let pad = (ymax - ymin) * 0.08
  let step = niceTicks(ymin - pad, ymax + pad).step
  ymin = ((ymin - pad) / step).rounded(.down) * step
  ymax = ((ymax + pad) / step).rounded(.up) * step
  let yt = (values: niceTicks(ymin, ymax).values.filter { abs(($0 / step).rounded() * step - $0) < step * 1e-6 }, step: step)
  var xmin = points.first!.0, xmax = points.last!.0
  if !distanceAxis, xmin > 0, xmin < 0.1 * (xmax - xmin) { xmin = 0 }  // the axis starts at 0:00
  let minimumSpan = distanceAxis ? 0.01 : 1  // 10 m of track, or 1 s
  if xmax - xmin < minimumSpan { xmin -= minimumSpan / 2; xmax += minimumSpan / 2 }
  func X(_ x: Double) -> Double { left + (x - xmin) / (xmax - xmin) * (w - left - right) }
  func Y(_ y: Double) -> Double { top + (1 - (y - ymin) / (ymax - ymin)) * (h - top - bottom) }
  let plotBottom = h - bottom
  var svg = "<svg class=\"plot\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escapeHTML(title)) over the run\">"
  svg += "<defs><clipPath id=\"\(id)-area\"><rect x=\"\(left)\" y=\"\(top)\" width=\"\(w - left - right)\" height=\"\(h - top - bottom)\"/></clipPath></defs>"
  svg += "<text x=\"\(left)\" y=\"16\" class=\"title\">\(escapeHTML(title))</text>"
  // Legend, on the line under the title.
  var legend: [(String, String)] = []
  if perSegment {
    legend.append(("<line x1=\"0\" y1=\"-4\" x2=\"16\" y2=\"-4\" class=\"line\"/><circle cx=\"8\" cy=\"-4\" r=\"2.5\" class=\"dot strong\"/>", "per 10 s of running"))
  } else {
    legend.append(("<circle cx=\"8\" cy=\"-4\" r=\"2.5\" class=\"dot\"/>", "each step"))
    if window > 1 { legend.append(("<line x1=\"0\" y1=\"-4\" x2=\"16\" y2=\"-4\" class=\"line\"/>", "median of \(window) steps")) }
  }
  if let band { legend.append(("<rect x=\"0\" y=\"-9\" width=\"16\" height=\"10\" class=\"band\"/>", band.label)) }
  var lx = left
  for (mark, text) in legend {
    svg += String(format: "<g transform=\"translate(%.1f,34)\">%@<text x=\"20\" y=\"0\" class=\"legend\">%@</text></g>", lx, mark, escapeHTML(text))
    lx += Double(text.count) * 6.2 + 34
  }
  if let band {
    svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"band\"/>", left, Y(band.high), w - left - right, max(0, Y(band.low) - Y(band.high)))
  }
  for v in yt.values where v >= ymin - 1e-9 && v <= ymax + 1e-9 {
    svg += "<line x1=\"\(fixed1(left))\" x2=\"\(fixed1(w - right))\" y1=\"\(fixed1(Y(v)))\" y2=\"\(fixed1(Y(v)))\" class=\"grid\"/>"
      + "<text x=\"\(fixed1(left - 6))\" y=\"\(fixed1(Y(v) + 4))\" class=\"tick\" text-anchor=\"end\">\(niceLabel(v, step: yt.step))</text>"
  }
  svg += "<line x1=\"\(fixed1(left))\" x2=\"\(fixed1(w - right))\" y1=\"\(fixed1(plotBottom))\" y2=\"\(fixed1(plotBottom))\" class=\"axis\"/>"
  // Time as m:ss, or (distanceAxis) track distance in km at nice values.
  let xStep = distanceAxis ? niceTicks(xmin, xmax).step : 0
  let xTicks = distanceAxis ? niceTicks(xmin, xmax).values.filter { $0 >= xmin - 1e-9 && $0 <= xmax + 1e-9 } : timeTicks(xmin, xmax)
  for t in xTicks {
    let x = X(t)
    let anchor = x > w - right - 14 ? "end" : x < left + 14 ? "start" : "middle"
    svg += "<line x1=\"\(fixed1(x))\" x2=\"\(fixed1(x))\" y1=\"\(fixed1(plotBottom))\" y2=\"\(fixed1(plotBottom + 4))\" class=\"axis\"/>"
      + "<text x=\"\(fixed1(x))\" y=\"\(fixed1(plotBottom + 16))\" class=\"tick\" text-anchor=\"\(anchor)\">"
      + "\(distanceAxis ? niceLabel(t, step: xStep) : clockLabel(t))</text>"
  }
  svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"axislabel\" text-anchor=\"middle\">%@</text>", (left + w - right) / 2, h - 6,
                distanceAxis ? "distance on the watch track (km)" : "time into the recording (min:s)")
  svg += String(format: "<text transform=\"translate(14,%.1f) rotate(-90)\" class=\"axislabel\" text-anchor=\"middle\">%@</text>", (top + plotBottom) / 2, escapeHTML(unit))
  svg += "<g clip-path=\"url(#\(id)-area)\">"
  // The marks (up to 1 600 numbers) as bytes, turned into text once.
  var marks = MarkBytes()
  if !perSegment {
    let stride = max(1, (points.count + 799) / 800)
    let faint: StaticString = points.count > 200 ? " faint" : ""
    for k in Swift.stride(from: 0, to: points.count, by: stride) {
      marks.append("<circle cx=\"")
      marks.appendFixed1(X(points[k].0))
      marks.append("\" cy=\"")
      marks.appendFixed1(Y(points[k].1))
      marks.append("\" r=\"1.8\" class=\"dot")
      marks.append(faint)
      marks.append("\"/>")
    }
  }
  if line.count > 1 {
    marks.append("<polyline class=\"line\" points=\"")
    for (k, p) in line.enumerated() {
      if k > 0 { marks.append(" ") }
      marks.appendFixed1(X(p.0))
      marks.append(",")
      marks.appendFixed1(Y(p.1))
    }
    marks.append("\"/>")
  }
  if perSegment {
    for p in line {
      marks.append("<circle cx=\"")
      marks.appendFixed1(X(p.0))
      marks.append("\" cy=\"")
      marks.appendFixed1(Y(p.1))
      marks.append("\" r=\"2.5\" class=\"dot strong\"/>")
    }
  }
  svg += String(decoding: marks.bytes, as: UTF8.self)
  svg += "</g></svg>"
  return "<figure class=\"chart\" id=\"\(id)\">\(svg)</figure>"
}

/// A histogram of `values`: bars on nice bin edges, a y axis of step counts,
/// labelled axes.
func svgHistogram(id: String, title: String, unit: String, values: [Double], bins: Int = 16) -> String {
  let w = 310.0, h = 200.0, left = 44.0, right = 10.0, top = 26.0, bottom = 40.0
  guard values.count >= 2, let lo0 = values.min(), let hi0 = values.max() else {
    return "<figure class=\"chart small\" id=\"\(id)\"><figcaption>\(escapeHTML(title))</figcaption><p class=\"empty\">not measured</p></figure>"
  }
  // Bin edges at nice values: the bin width is a nice step.
  let width = niceTicks(lo0, hi0 > lo0 ? hi0 : lo0 + 1, target: bins).step
  let lo = (lo0 / width).rounded(.down) * width
  let count = max(1, Int(((max(hi0, lo0 + width) - lo) / width).rounded(.down)) + 1)
  var counts = [Int](repeating: 0, count: count)
  for v in values { counts[min(count - 1, max(0, Int((v - lo) / width)))] += 1 }
  let hi = lo + Double(count) * width
  let yt = niceTicks(0, Double(counts.max() ?? 1), target: 4)
  let ymax = max(yt.values.last ?? 1, Double(counts.max() ?? 1))
  func X(_ x: Double) -> Double { left + (x - lo) / (hi - lo) * (w - left - right) }
  func Y(_ y: Double) -> Double { top + (1 - y / ymax) * (h - top - bottom) }
  var svg = "<svg class=\"plot\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escapeHTML(title)) per step\">"
  svg += "<text x=\"\(left)\" y=\"15\" class=\"title\">\(escapeHTML(title))</text>"
  svg += String(format: "<text x=\"%.1f\" y=\"15\" class=\"legend\" text-anchor=\"end\">%d steps</text>", w - right, values.count)
  for v in yt.values where v <= ymax {
    svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%@</text>",
                  left, w - right, Y(v), Y(v), left - 5, Y(v) + 4, niceLabel(v, step: max(1, yt.step)))
  }
  for (k, c) in counts.enumerated() where c > 0 {
    let x0 = X(lo + Double(k) * width), x1 = X(lo + Double(k + 1) * width)
    svg += String(format: "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%d steps</title></rect>", x0 + 0.5, Y(Double(c)), max(0.5, x1 - x0 - 1), Y(0) - Y(Double(c)), c)
  }
  svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>", left, w - right, Y(0), Y(0))
  let xt = niceTicks(lo, hi, target: 4)
  for v in xt.values {
    let x = X(v)
    let anchor = x > w - right - 12 ? "end" : "middle"
    svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axis\"/><text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"%@\">%@</text>",
                  x, x, Y(0), Y(0) + 4, x, Y(0) + 16, anchor, niceLabel(v, step: xt.step))
  }
  svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"axislabel\" text-anchor=\"middle\">%@</text>", (left + w - right) / 2, h - 6, escapeHTML(unit))
  svg += String(format: "<text transform=\"translate(12,%.1f) rotate(-90)\" class=\"axislabel\" text-anchor=\"middle\">steps</text>", (top + Y(0)) / 2)
  svg += "</svg>"
  return "<figure class=\"chart small\" id=\"\(id)\">\(svg)</figure>"
}

/// Left vs right bars of one metric.
func svgLeftRight(id: String, title: String, unit: String, left lv: Double?, right rv: Double?) -> String {
  guard let lv, let rv else {
    return "<figure class=\"chart small\" id=\"\(id)\"><figcaption>\(escapeHTML(title))</figcaption><p class=\"empty\">left and right are not told apart for this recording</p></figure>"
  }
  let w = 310.0, h = 180.0
  let m = max(lv, rv) * 1.1
  var svg = "<svg class=\"plot\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escapeHTML(title))\">"
  svg += "<text x=\"10\" y=\"15\" class=\"title\">\(escapeHTML(title)), mean per step</text>"
  for (k, (label, v)) in [("left", lv), ("right", rv)].enumerated() {
    let bw = (w - 120) * v / m
    let y = 40.0 + Double(k) * 60
    svg += String(format: "<text x=\"10\" y=\"%.1f\" class=\"tick\">%@</text><rect class=\"bar %@\" x=\"60\" y=\"%.1f\" width=\"%.1f\" height=\"34\"/><text x=\"%.1f\" y=\"%.1f\" class=\"tick\">%.1f %@</text>",
                  y + 22, label, label, y, bw, 66 + bw, y + 22, v, escapeHTML(unit))
  }
  svg += "</svg>"
  return "<figure class=\"chart small\" id=\"\(id)\">\(svg)</figure>"
}

/// A flag's name for people (its id stays in `data-flag` and the JSON).
func humanFlagTitle(_ id: String) -> String {
  let titles = [
    "overstriding": "Overstriding", "cadence-low": "Low cadence", "trunk-lean-high": "Forward trunk lean",
    "trunk-lean-low": "Upright trunk", "trunk-lean-increase": "More trunk lean than your baseline",
    "lateral-sway-high": "Side-to-side sway", "contact-asymmetry": "Left/right contact difference",
    "form-breakdown-cadence": "Form breakdown: cadence", "form-breakdown-contact": "Form breakdown: ground contact",
    "form-breakdown-lean": "Form breakdown: trunk lean", "form-breakdown-sway": "Form breakdown: sway",
    "sample-rate-low": "Low sample rate", "clipping": "Clipped samples", "gaps": "Gaps in the recording",
    "placement-limits": "What this sensor position can measure",
    "runs-per-week": "More runs than in recent weeks", "no-rest-day": "No rest day", "volume-rise": "Running time rose fast",
    "speed-and-volume-rise": "Speed and running time raised together",
    "tibial-shock-high": "High tibial shock", "tibial-shock-lower-bound": "Tibial shock beyond the sensor's range",
  ]
  if let t = titles[id] { return t }
  let words = id.split(separator: "-").joined(separator: " ")
  return words.prefix(1).uppercased() + words.dropFirst()
}

/// A metric's name for people.
func humanMetric(_ metric: String) -> String {
  let names = [
    "cadence_spm": "cadence", "trunk_lean_deg": "trunk lean", "lateral_sway_cm": "lateral sway",
    "gct_balance_left_pct": "ground contact balance", "ground_contact_ms": "ground contact",
    "sample_rate_hz": "sample rate", "clipped_samples": "clipped samples", "gaps": "gaps", "placement": "placement",
    "vertical_oscillation_cm": "vertical oscillation", "braking_mps": "braking", "tibial_shock_g": "tibial shock",
  ]
  return names[metric] ?? metric.split(separator: "_").filter { !["spm", "deg", "cm", "ms", "pct", "hz", "mps"].contains($0) }.joined(separator: " ")
}

/// A unit as written after a number (" cm", "°", " %").
func humanUnit(_ unit: String) -> String {
  if unit.isEmpty { return "" }
  if unit.hasPrefix("deg") { return "°" + unit.dropFirst(3) }
  return " " + unit
}

/// The HTML report of one analysed run.
public func htmlReport(_ r: AnalysisResult) -> String {
  collectText { try writeHTMLReport(r, to: $0) }
}

/// Writes the HTML report of `r` into `sink` through a fixed buffer, piece
/// by piece (the bytes of ``htmlReport(_:)``): no whole-report string, and
/// the steps are read in place, not copied.
public func writeHTMLReport(_ r: AnalysisResult, to sink: ByteSink) throws {
  try withoutActuallyEscaping(sink) { sink in
    var w = ByteWriter(sink: sink)
    try writeHTMLReport(r, into: &w)
    try w.flush()
  }
}

private func writeHTMLReport(_ r: AnalysisResult, into w: inout ByteWriter) throws {
  let s = r.summary
  let name = escapeHTML((r.path as NSString).lastPathComponent)
  func row(_ label: String, _ d: Distribution?, _ unit: String, _ digits: Int) -> String {
    guard let d else { return "<tr><th>\(label)</th><td colspan=\"3\" class=\"na\">not measured</td></tr>" }
    let f = "%.\(digits)f"
    let range = d.p10 < 0 ? "\(String(format: f, d.p10)) to \(String(format: f, d.p90))" : "\(String(format: f, d.p10))–\(String(format: f, d.p90))"
    return "<tr><th>\(label)</th><td>\(String(format: f, d.median)) \(unit)</td><td>\(range)</td><td>\(d.count)</td></tr>"
  }
  let allSteps = s.basis == .all
  let run = r.steps.lazy.filter { allSteps || $0.running }
  // Each chart's points are made when it is written and freed after it (a
  // 10-hour run has 100 000 steps: one array alive at a time, not five).
  let cadence = run.compactMap { st in st.stepTimeMs.map { (st.icS, 60_000 / $0) } }
  let contact = run.compactMap { st in st.groundContactMs.map { (st.icS, $0) } }
  let leanPts = r.segments.filter { $0.steps > 0 }.compactMap { seg in seg.trunkLeanDeg.map { ((seg.startS + seg.endS) / 2, $0) } }
  // The mean contact time of one side: summed in step order from 0, as
  // `reduce(0, +)` over the values would.
  func sideMean(_ side: Side) -> Double? {
    var sum = 0.0, n = 0
    for st in r.steps where (allSteps || st.running) && st.side == side {
      if let g = st.groundContactMs { sum += g; n += 1 }
    }
    return n >= 2 ? sum / Double(n) : nil
  }
  try w.write("""
  <!DOCTYPE html>
  <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
  <title>gaitline report: \(name)</title>
  <style>
  body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1000px;padding:18px;color:#1d2329;background:#fbfbfa}
  h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
  .meta{color:#555;font-size:13px}table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee}
  td.na{color:#999}.flag{border-left:5px solid #999;background:#fff;padding:8px 12px;margin:8px 0;border-radius:3px;box-shadow:0 1px 2px #0001}
  .flag.alert{border-color:#c62828}.flag.warning{border-color:#ef8f00}.flag.info{border-color:#1e6fb8}
  .sev{font-weight:600;text-transform:uppercase;font-size:12px;letter-spacing:.04em}.alert .sev{color:#c62828}.warning .sev{color:#b86e00}.info .sev{color:#1e6fb8}
  .evidence{color:#555;font-size:13px}.advice{margin-top:4px}.charts{display:flex;flex-wrap:wrap;gap:8px}
  figure.chart{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:4px;padding:4px;flex:1 1 440px}figure.small{flex:1 1 300px}
  svg.plot{width:100%;height:auto}.title{font-size:13px;font-weight:600;fill:#333}.tick{font-size:11px;fill:#555}.grid{stroke:#ececec}
  .axis{stroke:#999}.axislabel{font-size:11px;fill:#444}.legend{font-size:11px;fill:#444}
  .dot{fill:#1e6fb8;opacity:.6}.dot.faint{opacity:.3}.dot.strong{opacity:1}.line{fill:none;stroke:#0d4f8b;stroke-width:2}.band{fill:#2e7d32;opacity:.13}.bar{fill:#1e6fb8}.bar.right{fill:#ef8f00}
  .empty{color:#999;font-size:13px;margin:8px}.notes li{color:#444}footer{margin-top:28px;color:#777;font-size:12px}
  </style></head><body>
  <h1>Running form: \(name)</h1>
  <p class="meta">\(r.placement.rawValue) sensor (\(r.placementSource)) · \(String(format: "%.4g", r.ingest.sampleRateHz)) Hz · \(String(format: "%.1f", r.ingest.durationS)) s · \(s.steps) steps, \(s.runningSteps) running · gaitline \(gaitlineVersion)</p>
  <h2>Flags</h2>
  """)
  if r.flags.isEmpty {
    try w.write("<p id=\"no-flags\">No flags: nothing in this run crossed a threshold of the policy.</p>")
  }
  for f in r.flags {
    var measured = ""
    if let v = f.value {
      let unit = humanUnit(f.unit)
      // One more digit where three would make value and threshold look equal.
      let digits = f.threshold.map { String(format: "%.3g", v) == String(format: "%.3g", $0) && v != $0 } == true ? "%.4g" : "%.3g"
      measured = " · \(escapeHTML(humanMetric(f.metric))) \(String(format: digits, v))\(escapeHTML(unit))"
      if let t = f.threshold { measured += " (threshold \(String(format: "%.3g", t))\(escapeHTML(unit)))" }
    }
    try w.write("""
    <div class="flag \(f.severity.rawValue)" data-flag="\(escapeHTML(f.id))"><span class="sev">\(f.severity.rawValue)</span> <b>\(escapeHTML(humanFlagTitle(f.id)))</b>\(measured)
    <div>\(escapeHTML(f.message))</div><div class="advice"><b>What to try:</b> \(escapeHTML(f.advice))</div><div class="evidence">Evidence: \(escapeHTML(f.evidence))</div></div>
    """)
  }
  try w.write("<p class=\"meta\">Flags describe patterns associated with injury or back pain in studies of runners; they are not a diagnosis.</p>")
  try w.write("<h2>Summary</h2><table><tr><th>metric</th><th>median</th><th>p10–p90</th><th>steps</th></tr>")
  try w.write(row("cadence", s.cadenceSpm, "spm", 0) + row("ground contact", s.groundContactMs, "ms", 0))
  if let u = s.groundContactUncertaintyMs {
    try w.write("<tr><th>ground contact uncertainty</th><td>±\(String(format: "%.0f", u)) ms</td><td colspan=\"2\">per step: toe-off from the shank's acceleration (literature)</td></tr>")
  }
  try w.write(row("flight", s.flightMs, "ms", 0))
  try w.write(row("duty factor", s.dutyFactor, "", 2) + row("vertical oscillation", s.verticalOscillationCm, "cm", 1))
  try w.write(row(s.trunkLeanReference == .standing ? "trunk lean (from standing)" : "trunk lean (sensor axis, not calibrated)", s.trunkLeanDeg, "°", 1) + row("lateral sway", s.lateralSwayCm, "cm", 1))
  try w.write(row("braking", s.brakingMps, "m/s", 2) + row("impact", s.impactG, "g", 1))
  if r.placement == .shank {
    try w.write(row("tibial shock\(s.tibialShockClippedSteps > 0 ? " (lower bound: \(s.tibialShockClippedSteps) clipped steps)" : "")", s.tibialShockG, "g", 1))
    try w.write(row("tibial shock rise", s.tibialShockRateGps, "g/s", 0))
  }
  if let b = s.gctBalanceLeftPct { try w.write("<tr><th>GCT balance</th><td>\(String(format: "%.1f", b)) % left</td><td></td><td></td></tr>") }
  if r.track == nil, let v = s.verticalRatioPct {
    try w.write("<tr><th>vertical ratio</th><td>\(String(format: "%.2f", v)) %</td><td colspan=\"2\">vertical oscillation / step length at the given speed</td></tr>")
  }
  try w.write("</table>")
  try w.write("<h2>Over the run</h2><div class=\"charts\">")
  try w.write(svgSeries(id: "plot-cadence", title: "Cadence", unit: "steps/min", points: Array(cadence)))
  try w.write(svgSeries(id: "plot-contact", title: "Ground contact time", unit: "ms", points: Array(contact)))
  if r.placement == .shank {
    try w.write(svgSeries(id: "plot-tibial-shock", title: "Tibial shock (peak axial acceleration)", unit: "g",
                      points: Array(run.compactMap { st in st.tibialShockG.map { (st.icS, $0) } })))
  }
  try w.write(svgSeries(id: "plot-vo", title: "Vertical oscillation", unit: "cm",
                        points: Array(run.compactMap { st in st.verticalOscillationCm.map { (st.icS, $0) } })))
  try w.write(svgSeries(id: "plot-lean", title: "Trunk forward lean", unit: "degrees", points: leanPts,
                    band: (3, 11, "typical 3–11° (Teng & Powers)"), perSegment: true))
  if let t = r.track { try w.write(trackHTML(t, steps: r.steps, basis: s.basis)) }
  try w.write("</div><h2>Per-step distributions and left vs right</h2><div class=\"charts\">")
  try w.write(svgHistogram(id: "hist-cadence", title: "Cadence", unit: "steps/min", values: Array(cadence.map(\.1))))
  try w.write(svgHistogram(id: "hist-contact", title: "Ground contact time", unit: "ms", values: Array(contact.map(\.1))))
  try w.write(svgLeftRight(id: "plot-left-right", title: "Ground contact by side", unit: "ms", left: sideMean(.left), right: sideMean(.right)))
  try w.write("</div><h2>Data quality</h2><ul class=\"notes\">")
  let notes = r.ingest.warnings + r.warnings
  try w.write("<li>Columns: \(escapeHTML(r.ingest.columns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))); units \(escapeHTML(r.ingest.unitsDetected)) (\(escapeHTML(r.ingest.unitsSource))); timestamps \(escapeHTML(r.ingest.timestampUnit)).</li>")
  try w.write("<li>Gaps: \(r.ingest.gaps.count); clipped samples: \(r.ingest.clippedSamples).</li>")
  for n in notes { try w.write("<li>\(escapeHTML(n))</li>") }
  try w.write("</ul><footer>Generated by gaitline \(gaitlineVersion) from \(escapeHTML(r.path)). Self-contained: no scripts, no network.</footer></body></html>\n")
}
