//===--- FFTWisdom.swift --------------------------------------------------===//
// The FFTW_ESTIMATE solutions for the r2c sizes gaitline plans, as FFTW's own
// wisdom text (FFTW manual, "Wisdom"), read once per process instead of
// searching (FFTWPlanner.importEstimateWisdom in FFT.swift says why the plans
// stay the same). FFTWWisdomTests checks that this text is exactly what
// FFTW_ESTIMATE planning of 2^8…2^15 exports in the FFTW the tests run
// against; when FFTW changes, that test fails with the new text to paste here
// (`FFTWPlanner.estimateWisdom(sizes:)`).
//===----------------------------------------------------------------------===//

/// FFTW 3.3.10 (Debian/Ubuntu libfftw3-3, single precision, SSE2 and AVX
/// codelets): `fftwf_export_wisdom_to_string()` after
/// `fftwf_plan_dft_r2c_1d(n, …, FFTW_ESTIMATE)` for n = 256, 512, …, 32768
/// on `fftwf_malloc` arrays, in a fresh process.
let fftwEstimateWisdom = """
(fftw-3.3.10 fftwf_wisdom #x9e7d4dee #xdb14fed1 #x34bf76a4 #xeb6e8fdf
  (fftwf_codelet_r2cfII_2 2 #x31bff #x31bff #x0 #x0f9bbec4 #xaf177e66 #xae9fc9cb #x69add438)
  (fftwf_codelet_r2cf_2 2 #x31bff #x31bff #x0 #xfe444ab2 #x3f245c61 #x5e91f2fc #xe780a02d)
  (fftwf_codelet_r2cfII_2 2 #x31bff #x31bff #x0 #x820214b9 #x4e3de466 #x45ec47fb #xcec4091d)
  (fftwf_codelet_hc2cfdftv_2_sse2 0 #x31bff #x31bff #x0 #xc447d79d #x3bb36c12 #x2e7c8386 #xc241521c)
  (fftwf_codelet_hc2cfdftv_2_sse2 0 #x31bff #x31bff #x0 #x3a703b4b #x398198b2 #x01557430 #x7f273845)
  (fftwf_codelet_n2fv_32_avx 0 #x31bff #x31bff #x0 #x1bfd5ad9 #xc4c1f496 #x706c43ea #xb35a0b93)
  (fftwf_codelet_r2cfII_2 2 #x31bff #x31bff #x0 #x762c26e8 #xabff79e3 #x3a063506 #x18c57a3c)
  (fftwf_codelet_r2cf_2 2 #x31bff #x31bff #x0 #xc84dba69 #xa695aab6 #x8928d70f #x117bc297)
  (fftwf_codelet_r2cf_2 2 #x31bff #x31bff #x0 #xeb24eaab #x2ca3ab09 #x7a6d7f81 #xcc67c730)
  (fftwf_codelet_n2fv_16_avx 0 #x31bff #x31bff #x0 #xe3387f4e #x05d3ba6b #xd7779b98 #xfb00413e)
  (fftwf_codelet_hc2cfdftv_2_sse2 0 #x31bff #x31bff #x0 #x75cb0b70 #xca641787 #xed23b032 #x151f7e6f)
  (fftwf_dft_vrank_geq1_register 0 #x31bff #x31bff #x0 #x91f1f179 #x0bad6dbc #x5a37efd3 #xda5dadf4)
  (fftwf_codelet_t3fv_32_avx 0 #x31bff #x31bff #x0 #xaed66313 #x40e8c8f4 #xbd80aa7a #x34699aaf)
  (fftwf_codelet_r2cfII_2 2 #x31bff #x31bff #x0 #x924edee9 #x1c8ac4be #x6ab55cce #x0a294a09)
  (fftwf_codelet_t3fv_16_avx 0 #x31bff #x31bff #x0 #xfeec02f8 #xbbf06357 #xb26e7a2b #xf7b9dcb8)
  (fftwf_codelet_n2fv_16_avx 0 #x31bff #x31bff #x0 #x866b24e2 #x3dd2f331 #x84bfadda #x6769c180)
  (fftwf_codelet_n1fv_128_avx 0 #x31bff #x31bff #x0 #x3e07c82e #x56025738 #x0a1affd0 #x3c8f615f)
  (fftwf_codelet_r2cfII_4 2 #x31bff #x31bff #x0 #x1a02ad46 #xdfad0d8d #x4efa0082 #xc7e93651)
  (fftwf_codelet_hc2cfdftv_2_sse2 0 #x31bff #x31bff #x0 #x4bb69ce7 #x4599107c #x14ecc846 #x282ba2c3)
  (fftwf_codelet_t3fv_32_avx 0 #x31bff #x31bff #x0 #xc6ca45ce #xf08c5f4a #x61a53ade #xe5e374c8)
  (fftwf_codelet_r2cf_2 2 #x31bff #x31bff #x0 #xc4589152 #x2c904887 #x3df0c9d3 #x054d1070)
  (fftwf_codelet_hc2cfdftv_2_sse2 0 #x31bff #x31bff #x0 #x3f67885c #x1d118905 #x1b4c027b #x7ecffc87)
  (fftwf_codelet_r2cf_4 2 #x31bff #x31bff #x0 #x7e325808 #x54c06fb6 #xf438f065 #x806849e7)
  (fftwf_codelet_r2cf_2 2 #x31bff #x31bff #x0 #x923c05ce #x6c937a5d #x13efcff5 #x6ac6aa9b)
  (fftwf_codelet_r2cfII_2 2 #x31bff #x31bff #x0 #x66160615 #xeff0bc02 #x776423ce #xe51d3a0d)
  (fftwf_codelet_r2cfII_2 2 #x31bff #x31bff #x0 #x78aa2edd #x9920177e #x55c86af7 #xf9c4659a)
  (fftwf_codelet_n2fv_32_avx 0 #x31bff #x31bff #x0 #x407181dc #x8a77cb1e #xa88df8c5 #xa32373b5)
  (fftwf_codelet_r2cf_2 2 #x31bff #x31bff #x0 #x52d4cebb #x3d61daaa #x6b7f5c22 #x0a343c15)
  (fftwf_codelet_hc2cfdftv_2_sse2 0 #x31bff #x31bff #x0 #x85773c49 #x9a968ccc #xbd37e819 #xac77e6a4)
  (fftwf_codelet_r2cfII_2 2 #x31bff #x31bff #x0 #xf4706e13 #x6e8bbca0 #x9c704b36 #x8e8181fc)
  (fftwf_codelet_hc2cfdftv_2_sse2 0 #x31bff #x31bff #x0 #x42ead677 #x86451fba #xaefc212f #xfe3ad2af)
  (fftwf_dft_vrank_geq1_register 0 #x31bff #x31bff #x0 #xd38667fa #x84f765d7 #xa82c0d96 #xc5d0f93e)
  (fftwf_codelet_t3fv_16_avx 0 #x31bff #x31bff #x0 #x2c50659a #x343a7df7 #xd727540d #xacfea1f9)
  (fftwf_codelet_n2fv_64_avx 0 #x31bff #x31bff #x0 #xb8f48902 #x3e3cffd5 #x0902e318 #xff82254a)
  (fftwf_codelet_t3fv_32_avx 0 #x31bff #x31bff #x0 #xa5af12be #x8ea95383 #xcd10c847 #xe6812dfa)
  (fftwf_codelet_t3fv_8_avx 0 #x31bff #x31bff #x0 #x8f86ac3f #x7cc3d8db #xc7865ecc #xea8b825e)
  (fftwf_codelet_t3fv_32_avx 0 #x31bff #x31bff #x0 #x21c528b9 #x63c201bc #xa3c09b11 #xc2b338e6)
  (fftwf_codelet_t3fv_32_avx 0 #x31bff #x31bff #x0 #xf1915d84 #x56c4bdfa #x16f8d847 #xdbd3c190)
  (fftwf_codelet_hc2cfdftv_4_sse2 0 #x31bff #x31bff #x0 #xf457cfc7 #xf42117a4 #x48772d54 #x772e7810)
  (fftwf_codelet_t3fv_16_avx 0 #x31bff #x31bff #x0 #x5e20e1bb #x4ffffbbc #x9f798a16 #xd5a0ef89)
  (fftwf_codelet_n1fv_32_avx 0 #x31bff #x31bff #x0 #xfb824426 #xecec2b0e #x8cb7087d #x03a73cf7)
  (fftwf_codelet_r2cf_2 2 #x31bff #x31bff #x0 #x1317ebd7 #x743067ee #xcc1b5cfc #x05fb616a)
  (fftwf_codelet_n1fv_128_avx 0 #x31bff #x31bff #x0 #x00c6be49 #x73700b09 #x6f16d507 #xaa695850)
)
"""
