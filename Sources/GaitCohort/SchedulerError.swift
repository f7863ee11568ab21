//===--- SchedulerError.swift ---------------------------------------------===//
// GaitCohort's own error: the cluster scheduler could not take a job.
//===----------------------------------------------------------------------===//

/// Submitting a cohort's job array failed: the scheduler's command is not
/// installed, or it ran and refused the job. Not a usage error: the options
/// were fine and the script was written, so the CLI exits 69
/// (`EX_UNAVAILABLE`, a required service is unavailable) and names the
/// script, which can be submitted by hand.
public struct SchedulerError: Error, Sendable, CustomStringConvertible {
  /// Why the job was not submitted.
  public enum Reason: Sendable, Hashable {
    /// The command (`sbatch`) could not be run: Slurm is not installed here.
    case notInstalled
    /// The command ran and exited with this status.
    case refused(status: Int32)
  }

  /// Why the job was not submitted.
  public var reason: Reason
  /// What went wrong and what to do.
  public var message: String
  /// The script that was written, for a manual submission.
  public var scriptPath: String

  /// An error for `reason`, with a message that says what to do.
  public init(_ reason: Reason, message: String, scriptPath: String) {
    self.reason = reason
    self.message = message
    self.scriptPath = scriptPath
  }

  /// `error[scheduler]: MESSAGE; the script is in PATH`.
  public var description: String { "error[scheduler]: \(message); the script is in \(scriptPath)" }
}
