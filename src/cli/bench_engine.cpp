// Diffusion-engine benchmark rows (filled in by the engine work).
#include "bench_table.h"

namespace chiaro::cli {

std::vector<BenchRow> benchEngine(const BenchOptions&) { return {}; }

}  // namespace chiaro::cli
