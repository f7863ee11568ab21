import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitTestSupport
import Testing

/// A WitMotion stream joined midway: acceleration frames first, the first
/// gyroscope frame later. Found by the stream-witmotion fuzz target: the
/// decoder produced a block with fewer gyroscope than acceleration samples
/// and the analyzer indexed past them.
@Suite struct LateGyroscope {
  @Test func streamWhoseGyroscopeStartsLateIsAnalysed() throws {
    let run = SyntheticRun(rateHz: 100, seconds: 40).recording().blocks[0]
    var bytes: [UInt8] = []
    for i in 0..<run.count {
      let gyro: SIMD3<Float>? = i < 777 ? nil : SIMD3(0.1, -0.2, 0.3)
      bytes += StreamEncoder.witMotion(ax: run.ax[i], ay: run.ay[i], az: run.az[i], gyro: gyro)
    }
    let path = temporaryFile(bytes: bytes, name: "late-gyro.raw")
    // Blocks are consistent: gyroscope for all samples or none.
    let source = try StreamFileSource(path: path, decoder: WitMotionDecoder(rateHz: 100), protocolName: "witmotion")
    var total = 0
    while let b = try source.nextBlock() {
      #expect(b.gx.isEmpty || (b.gx.count == b.count && b.gy.count == b.count && b.gz.count == b.count))
      total += b.count
    }
    #expect(total == run.count)
    // And the whole pipeline runs and finds the steps.
    let again = try StreamFileSource(path: path, decoder: WitMotionDecoder(rateHz: 100), protocolName: "witmotion")
    let result = try analyze(source: again, path: path, options: AnalysisOptions(placement: .hip))
    let spm = try #require(result.summary.cadenceSpm?.median)
    #expect(abs(spm - 172) < 2)
  }
}
