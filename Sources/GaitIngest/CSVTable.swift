//===--- CSVTable.swift ---------------------------------------------------===//
// The one reader of small comma-separated tables that are not recordings:
// cohort overrides, evaluation truths and plans.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore

/// A small comma-separated table read whole: a header line of names
/// (trimmed, lower-cased) and rows of trimmed cells. Cells may be quoted
/// with double quotes (`""` inside quotes is a quote), a UTF-8 byte-order
/// mark is dropped, blank lines are skipped, and every row must have as
/// many cells as the header (an error names the line). Recordings go
/// through ``CSVReader``, which streams; this is for files of a few
/// thousand lines at most.
public struct CSVTable: Sendable {
  /// The header's names, trimmed and lower-cased.
  public var header: [String]
  /// The rows' cells, trimmed.
  public var rows: [[String]]
  /// The 1-based line of the file each row came from.
  public var lines: [Int]

  /// Reads the table at `path`; `what` names the file in errors ("the
  /// overrides file").
  public init(path: String, what: String = "the file") throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw IngestError(.fileNotFound, "cannot read \(what)", path: path)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw IngestError(.unsupportedEncoding, "\(what) is not UTF-8 text", path: path)
    }
    try self.init(text: text, path: path, what: what)
  }

  /// Parses `text`; `path` and `what` only label errors.
  public init(text: String, path: String? = nil, what: String = "the file") throws {
    var all = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    if let first = all.first, first.hasPrefix("\u{FEFF}") { all[0] = first.dropFirst() }
    let numbered = all.enumerated().filter { !$0.element.allSatisfy(\.isWhitespace) }
    guard let (_, headerLine) = numbered.first else {
      throw IngestError(.emptyFile, "\(what) is empty", path: path)
    }
    header = Self.cells(of: headerLine).map { $0.lowercased() }
    rows = []
    lines = []
    for (n, line) in numbered.dropFirst() {
      let cells = Self.cells(of: line)
      guard cells.count == header.count else {
        throw IngestError(.malformedRecord, "\(cells.count) cells, the header has \(header.count)", path: path, line: n + 1)
      }
      rows.append(cells)
      lines.append(n + 1)
    }
  }

  /// The index of the first of `names` in the header.
  public func column(_ names: [String]) -> Int? { names.compactMap { header.firstIndex(of: $0) }.first }

  /// A numeric column, `nil` where a cell is not a number.
  public func numbers(_ column: Int) -> [Double?] { rows.map { Double($0[column]) } }

  /// Splits one line at commas outside double quotes and trims each cell.
  static func cells<S: StringProtocol>(of line: S) -> [String] {
    var cells: [String] = []
    var cell = ""
    var quoted = false
    var pendingQuote = false
    for c in line {
      if pendingQuote {
        pendingQuote = false
        if c == "\"" { cell.append("\""); continue }
        quoted = false
      }
      if quoted {
        if c == "\"" { pendingQuote = true } else { cell.append(c) }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        cells.append(cell.trimmingCharacters(in: .whitespaces))
        cell = ""
      } else {
        cell.append(c)
      }
    }
    cells.append(cell.trimmingCharacters(in: .whitespaces))
    return cells
  }
}
