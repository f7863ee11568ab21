// libFuzzer target: glb (see Fuzz/Package.swift and scripts/fuzz.sh).
import FuzzMain

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
  fuzzOne("glb", data, size)
}

@_cdecl("FuzzGLB_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, testOneInput)
}
