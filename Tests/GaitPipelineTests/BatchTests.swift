//===--- BatchTests.swift -------------------------------------------------===//
// The one batch runner's pool: every input once, results in input order,
// never more than `jobs` at a time, and a failing input fails alone.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitIngest
import GaitPipeline
import Synchronization
import Testing

@Suite struct BatchTests {
  @Test(arguments: [0, 1, 7, 100], [1, 3, 64])
  func parallelMapKeepsInputOrder(count: Int, jobs: Int) {
    let calls = Mutex<[Int]>([])
    let out = parallelMap(count, jobs: jobs) { i in
      calls.withLock { $0.append(i) }
      return i * i
    }
    #expect(out == (0..<count).map { $0 * $0 })
    #expect(calls.withLock { $0 }.sorted() == Array(0..<count))
  }

  @Test func parallelMapRunsAtMostJobsAtOnce() {
    let running = Atomic<Int>(0), most = Atomic<Int>(0)
    _ = parallelMap(24, jobs: 2) { i -> Int in
      let now = running.add(1, ordering: .sequentiallyConsistent).newValue
      _ = most.max(now, ordering: .sequentiallyConsistent)
      var x = 0
      for k in 0..<200_000 { x &+= k ^ i }  // some work, so threads overlap
      running.subtract(1, ordering: .sequentiallyConsistent)
      return x
    }
    #expect(most.load(ordering: .sequentiallyConsistent) <= 2)
    #expect(most.load(ordering: .sequentiallyConsistent) >= 1)
  }

  @Test func aFailingInputFailsAlone() {
    let heard = Mutex<[Int]>([])
    let outcomes: [BatchOutcome<Int>] = runBatch(10, jobs: 3, finished: { _, _, n in heard.withLock { $0.append(n) } }) { i in
      if i == 4 { throw IngestError(.corrupt, "input \(i) is broken", path: "in\(i).csv") }
      if i == 7 { return .skipped("not a recording") }
      return .analysed(i + 100)
    }
    #expect(outcomes.count == 10)
    #expect(outcomes[4].failureMessage?.contains("input 4 is broken") == true)
    #expect(outcomes[7].value == nil && outcomes[7].error == nil)
    for i in [0, 1, 2, 3, 5, 6, 8, 9] { #expect(outcomes[i].value == i + 100) }
    #expect(heard.withLock { $0 }.sorted() == Array(1...10))
  }
}
