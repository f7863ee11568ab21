// Thin shim over FFTW 3 (single precision, `fftwf_*`), provided on Debian by
// libfftw3-dev. gaitline wraps it once, in GaitDSP/FFT.
#include <fftw3.h>
