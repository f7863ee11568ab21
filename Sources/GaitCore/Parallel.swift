//===--- Parallel.swift ---------------------------------------------------===//
// The one pool of independent jobs: a shared counter hands out indices to a
// fixed number of threads. The batch runner, cohort planning and merging, and
// a long run's summary use it.
//===----------------------------------------------------------------------===//
import Dispatch
import Synchronization

/// `body(i)` for `i` in `0..<count` on at most `jobs` threads (the pool of
/// GaitPipeline's `runBatch`), in input order. Each thread takes the
/// next index as it finishes the last (inputs differ in size, so a fixed
/// split would leave threads idle). For work that ends in a value rather
/// than an outcome: the hashes of a cohort plan, the state of each input of
/// a cohort, the per-step distributions of a long run's summary.
public func parallelMap<T: Sendable>(_ count: Int, jobs: Int, _ body: @Sendable (Int) -> T) -> [T] {
  guard count > 0 else { return [] }
  let results = Mutex<[T?]>(Array(repeating: nil, count: count))
  let next = Atomic<Int>(0)
  DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
    while true {
      let i = next.add(1, ordering: .relaxed).oldValue
      guard i < count else { return }
      let value = body(i)
      results.withLock { $0[i] = value }
    }
  }
  return results.withLock { $0 }.map { $0! }
}
