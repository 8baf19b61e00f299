#include "chiaro_ops.h"

#include <torch/library.h>

#include "attention_op.h"
#include "geglu_op.h"

namespace chiaro::core {

void ensureChiaroOpsRegistered() {
    // Referencing this TU is what matters; the registration below runs at static-init time.
}

}  // namespace chiaro::core

TORCH_LIBRARY(chiaro, m) {
    m.def("attention(Tensor q, Tensor k, Tensor v, int heads, float scale) -> Tensor",
          &chiaro::core::chiaroAttention);
    m.def("geglu(Tensor x) -> Tensor", &chiaro::core::chiaroGeglu);
}
