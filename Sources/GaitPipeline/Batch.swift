//===--- Batch.swift ------------------------------------------------------===//
// The one batch runner: many inputs on a bounded pool of threads, each
// ending in a typed outcome. `analyze` with several inputs and `analyze
// --manifest` shards run on it; `stream`'s final report is one input's
// outcome (`BatchOutcome(catching:)`); cohort status and merge map over
// their inputs, and cohort plan hashes them, with the same pool
// (`parallelMap`).
//===----------------------------------------------------------------------===//
import Dispatch
import GaitCore
import GaitIngest
import Synchronization

/// What became of one input of a batch.
public enum BatchOutcome<Value: Sendable>: Sendable {
  /// Analysed; `Value` is what the caller keeps of it (a summary row, the
  /// numbers the training-load checks use), never the whole analysis, so
  /// memory does not grow with the batch.
  case analysed(Value)
  /// Passed over on purpose, with the reason: not a recording, or its
  /// report is already current.
  case skipped(String)
  /// The input failed alone; the others go on.
  case failed(any Error)

  /// The outcome of `body`: what it returns, or `.failed` with the error
  /// it throws. Each input of ``runBatch(_:jobs:finished:_:)`` ends here,
  /// and so does `stream`'s one input.
  public init(catching body: () throws -> BatchOutcome<Value>) {
    do {
      self = try body()
    } catch {
      self = .failed(error)
    }
  }

  /// The value of an analysed input.
  public var value: Value? {
    if case .analysed(let v) = self { return v }
    return nil
  }

  /// The error of a failed input.
  public var error: (any Error)? {
    if case .failed(let e) = self { return e }
    return nil
  }

  /// A failure as a person reads it: a module error's description (file,
  /// line, what and why), else the error as Swift prints it.
  public var failureMessage: String? {
    error.map { ($0 as? any GaitlineError)?.description ?? "\($0)" }
  }
}

/// Runs `body` for the inputs `0..<count` on at most `jobs` threads, each
/// thread taking the next input as it finishes the last, and returns every
/// input's outcome in input order. An error that `body` throws is that
/// input's `.failed` outcome. `finished` hears each outcome as it comes,
/// with the number of inputs finished so far (for progress).
public func runBatch<Value: Sendable>(
  _ count: Int, jobs: Int, finished: (@Sendable (_ index: Int, _ outcome: BatchOutcome<Value>, _ done: Int) -> Void)? = nil,
  _ body: @Sendable (Int) throws -> BatchOutcome<Value>
) -> [BatchOutcome<Value>] {
  let done = Atomic<Int>(0)
  return parallelMap(count, jobs: jobs) { i in
    let outcome = BatchOutcome { try body(i) }
    let n = done.add(1, ordering: .relaxed).newValue
    finished?(i, outcome, n)
    return outcome
  }
}

