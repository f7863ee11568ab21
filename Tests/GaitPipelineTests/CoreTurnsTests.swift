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

  /// Between two cores an analysis thread keeps its turn, unless the
  /// reader waits: then the reader has it before the thread goes on.
  @Test func passingHandsTheTurnToAWaitingReaderOnly() {
    let turns = ReaderFirstTurns(cores: 1)
    turns.enter()
    turns.pass()  // nobody waits: returns at once, still holding the one core
    let readerRan = Atomic<Bool>(false)
    Thread {
      turns.readerEnter()
      readerRan.store(true, ordering: .sequentiallyConsistent)
      turns.leave()
    }.start()
    #expect(Self.eventually { turns.readerIsWaiting })
    let ranEarly = readerRan.load(ordering: .sequentiallyConsistent)
    #expect(!ranEarly, "the only core is held")
    turns.pass()  // the reader's turn, then this thread's again
    let ran = readerRan.load(ordering: .sequentiallyConsistent)
    #expect(ran)
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
      for _ in 0..<20 {
        turns.enter()
        for _ in 0..<10 {  // ten cores of a batch, the turn passed between them
          let now = holding.add(1, ordering: .sequentiallyConsistent).newValue
          _ = most.max(now, ordering: .sequentiallyConsistent)
          var x = 0
          for k in 0..<2_000 { x &+= k }  // some work, so holders overlap
          if x == 0 { print(x) }
          holding.subtract(1, ordering: .sequentiallyConsistent)
          turns.pass()
        }
        turns.leave()
      }
    }
    #expect(Self.eventually { reader.isFinished })
    let holders = most.load(ordering: .sequentiallyConsistent)
    #expect(holders <= cores)
    #expect(holders >= 1)
  }
}
