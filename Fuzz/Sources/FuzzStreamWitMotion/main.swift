// libFuzzer target: stream-witmotion (see Fuzz/Package.swift and scripts/fuzz.sh).
import FuzzMain

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
  fuzzOne("stream-witmotion", data, size)
}

@_cdecl("FuzzStreamWitMotion_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, testOneInput)
}
