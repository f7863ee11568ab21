//===--- FuzzMain.swift ---------------------------------------------------===//
// The libFuzzer driver for Swift executables built by SwiftPM. SwiftPM links
// an executable target's entry point as `<Target>_main`; with
// `-parse-as-library` there is none, so each target defines it with
// @_cdecl and hands over to libFuzzer's LLVMFuzzerRunDriver.
//===----------------------------------------------------------------------===//
import GaitFuzzChecks

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
  _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt) -> CInt

/// Runs libFuzzer with `callback` as LLVMFuzzerTestOneInput.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                      _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt) -> CInt {
  var c = argc
  var v = argv
  return LLVMFuzzerRunDriver(&c, &v, callback)
}

/// Checks one input with the named check; a broken invariant is a crash,
/// which libFuzzer saves as a reproducer.
public func fuzzOne(_ target: String, _ data: UnsafeRawPointer?, _ size: Int) -> CInt {
  let bytes = UnsafeRawBufferPointer(start: size == 0 ? nil : data, count: size)
  let violations = fuzzCheck(target, bytes)
  if !violations.isEmpty { fatalError("invariant broken: " + violations.joined(separator: "; ")) }
  return 0
}
