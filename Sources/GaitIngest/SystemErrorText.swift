//===--- SystemErrorText.swift --------------------------------------------===//
// What the operating system said, in words, for error messages: never a
// Foundation domain and code ("NSCocoaErrorDomain error 512").
//===----------------------------------------------------------------------===//
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reason behind a file-system or system error as a person would say it
/// ("not a directory: a part of the path is a file, not a folder"), from the
/// POSIX error underneath Foundation's errors when there is one.
public func systemErrorText(_ error: any Error) -> String {
  let e = error as NSError
  var posix: Int32?
  if e.domain == NSPOSIXErrorDomain {
    posix = Int32(truncatingIfNeeded: e.code)
  } else if let underlying = (e.userInfo[NSUnderlyingErrorKey] as? any Error).map({ $0 as NSError }),
            underlying.domain == NSPOSIXErrorDomain {
    // (On Linux the underlying error is a Swift error, not castable to NSError.)
    posix = Int32(truncatingIfNeeded: underlying.code)
  }
  if let posix {
    let reason = String(cString: strerror(posix)).lowercased()
    switch posix {
    case ENOTDIR: return reason + ": a part of the path is a file, not a folder"
    case ENOENT: return reason + ": a folder on the path does not exist"
    case EACCES, EPERM: return reason + ": you may not write there"
    case ENOSPC, EDQUOT: return reason + ": free some space or write elsewhere"
    case EROFS: return reason + ": the file system is read-only"
    default: return reason
    }
  }
  if e.domain == NSCocoaErrorDomain {
    switch e.code {
    case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or directory"
    case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
    case NSFileWriteOutOfSpaceError: return "no space left on device"
    case NSFileWriteVolumeReadOnlyError: return "the file system is read-only"
    case NSFileWriteFileExistsError: return "a file of that name already exists"
    default: break
    }
  }
  // Foundation's generic text ends in "(DOMAIN error N.)": keep the words only.
  let text = e.localizedDescription.replacingOccurrences(
    of: #"\s*\([A-Za-z]+ error -?[0-9]+\.?\)"#, with: "", options: .regularExpression)
  return text.isEmpty || text.hasPrefix("The operation could not be completed") ? "the system refused the operation" : text
}
