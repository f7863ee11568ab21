// libFuzzer target: gt3x (see Fuzz/Package.swift and scripts/fuzz.sh).
import FuzzMain

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
  fuzzOne("gt3x", data, size)
}

@_cdecl("FuzzGT3X_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, testOneInput)
}
