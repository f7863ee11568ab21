// libFuzzer target: stream-glb (see Fuzz/Package.swift and scripts/fuzz.sh).
import FuzzMain

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
  fuzzOne("stream-glb", data, size)
}

@_cdecl("FuzzStreamGLB_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, testOneInput)
}
