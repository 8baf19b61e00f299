#pragma once
// The few numeric primitives of PyTorch and NumPy that diffusers' schedulers are built from,
// re-done in plain C++ with the same rounding, so that timetables match the reference bit for bit.
// Private to the sampling module.
#include <cstddef>
#include <vector>

namespace chiaro::core::numerics {

// torch.linspace(start, end, n, dtype=float32) on the CPU: start and end rounded to float, the step
// in float, start + i*step for the first half and end - (n-1-i)*step for the second (PyTorch
// >= 2.1, which dropped the vectorised variant that rounded differently).
std::vector<float> torchLinspaceF32(double start, double end, int n);

// numpy.linspace(start, stop, n) in float64: i * ((stop - start) / (n - 1)) + start, the last one
// set to stop exactly.
std::vector<double> numpyLinspace(double start, double stop, int n);

// numpy.interp(x, [0, 1, ..., fp.size()-1], fp) for one x: NumPy's slope * (x - x_j) + f_j.
double numpyInterpIndex(double x, const std::vector<float>& fp);

// numpy.round / Python's round(): halves go to the even neighbour.
double roundHalfEven(double value);

// diffusers' _sigma_to_t: the fractional training timestep whose log-sigma matches `sigma`, by
// linear interpolation between neighbours of the float32 `logSigmas` table (NumPy 1.x dtype rules).
double sigmaToTimestep(double sigma, const std::vector<float>& logSigmas);

}  // namespace chiaro::core::numerics
