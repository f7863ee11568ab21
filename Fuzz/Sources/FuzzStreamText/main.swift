// libFuzzer target: stream-text (see Fuzz/Package.swift and scripts/fuzz.sh).
import FuzzMain

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
  fuzzOne("stream-text", data, size)
}

@_cdecl("FuzzStreamText_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, testOneInput)
}
