//===--- CoreTurnsTests.swift ---------------------------------------------===//
// The turns that a long input's reader thread and its analysis threads take
// on the cores asked for (--threads): never more holders than cores, and a
// waiting reader gets the next turn given back, before analysis threads that
// waited longer.
//===----------------------------------------------------------------------===//
import Foundation
import Synchronization
import Testing

@testable import GaitPipeline

@Suite struct CoreTurnsTests {
  /// Polls `condition` for up to 20 s (a loaded machine is slow to start
  /// threads); returns whether it became true.
  static func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<2_000 {
      if condition() { return true }
      Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
  }

  @Test func aWaitingReaderIsServedFirst() {
    let turns = ReaderFirstTurns(cores: 2)
    turns.enter()
    turns.enter()  // two analysis threads hold both cores
    let order = Mutex<[String]>([])
    Thread {
      turns.enter()
      order.withLock { $0.append("analysis") }
      turns.leave()
    }.start()
    Thread.sleep(forTimeInterval: 0.05)  // the analysis thread asks first
    Thread {
      turns.readerEnter()
      order.withLock { $0.append("reader") }
      turns.leave()
    }.start()
    #expect(Self.eventually { turns.readerIsWaiting })
    #expect(order.withLock { $0 }.isEmpty, "no core was free")
    // One core back: the reader's, though the analysis thread asked
    // first; the reader's turn, given back, is then the analysis thread's.
    turns.leave()
    #expect(Self.eventually { order.withLock { $0.count } == 2 })
    #expect(order.withLock { $0 } == ["reader", "analysis"])
    turns.leave()
  }

  @Test(arguments: [1, 2, 3])
  func neverMoreHoldersThanCores(cores: Int) {
    let turns = ReaderFirstTurns(cores: cores)
    let holding = Atomic<Int>(0), most = Atomic<Int>(0)
    let reader = Thread {
      for _ in 0..<200 {
        turns.readerEnter()
        let now = holding.add(1, ordering: .sequentiallyConsistent).newValue
        _ = most.max(now, ordering: .sequentiallyConsistent)
        holding.subtract(1, ordering: .sequentiallyConsistent)
        turns.leave()
      }
    }
    reader.start()
    DispatchQueue.concurrentPerform(iterations: cores + 2) { _ in
      for _ in 0..<200 {
        turns.enter()
        let now = holding.add(1, ordering: .sequentiallyConsistent).newValue
        _ = most.max(now, ordering: .sequentiallyConsistent)
        var x = 0
        for k in 0..<2_000 { x &+= k }  // some work, so holders overlap
        if x == 0 { print(x) }
        holding.subtract(1, ordering: .sequentiallyConsistent)
        turns.leave()
      }
    }
    #expect(Self.eventually { reader.isFinished })
    #expect(most.load(ordering: .sequentiallyConsistent) <= cores)
    #expect(most.load(ordering: .sequentiallyConsistent) >= 1)
  }
}
