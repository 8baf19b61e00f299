#pragma once
// The `chiaro::` TorchScript operators that exported UNets call (models/chiaro_export/ops.py defines
// the same schemas for the exporter): attention (attention_op.h) and geglu (geglu_op.h).

namespace chiaro::core {

// The registration is a static initialiser in a static library: calling this from the code that
// loads modules keeps the linker from dropping it. Cheap; safe to call any number of times.
void ensureChiaroOpsRegistered();

}  // namespace chiaro::core
