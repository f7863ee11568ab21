import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

/// The one small-table reader (overrides, truths, plans).
@Suite struct CSVTableTests {
  @Test func headerCellsAndLines() throws {
    let t = try CSVTable(text: "\u{FEFF} Path ,Speed_mps\r\n\n\"a, b.csv\",3.1\n  \n\"say \"\"hi\"\"\",\n")
    #expect(t.header == ["path", "speed_mps"])
    #expect(t.rows == [["a, b.csv", "3.1"], ["say \"hi\"", ""]])
    #expect(t.lines == [3, 5])
    #expect(t.column(["file", "path"]) == 0)
    #expect(t.numbers(1) == [3.1, nil])
  }

  @Test func errorsNameTheLine() throws {
    #expect { try CSVTable(text: "a,b\n1,2\n\n1,2,3\n", path: "x.csv") } throws: {
      ($0 as? IngestError).map { $0.line == 4 && $0.code == .malformedRecord && $0.path == "x.csv" } ?? false
    }
    #expect { try CSVTable(text: "\n \n", what: "the overrides file") } throws: {
      ($0 as? IngestError).map { $0.code == .emptyFile && $0.message.contains("the overrides file") } ?? false
    }
    #expect { try CSVTable(path: "/nonexistent/t.csv") } throws: { ($0 as? IngestError)?.code == .fileNotFound }
    let latin1 = temporaryFile(bytes: [0x61, 0x0A, 0xE9, 0x0A], name: "latin1.csv")
    #expect { try CSVTable(path: latin1) } throws: { ($0 as? IngestError)?.code == .unsupportedEncoding }
  }
}
