#include "attention_op.h"

#include <string>

#include <ATen/Parallel.h>
#include <torch/version.h>

#include "attention_kernel.h"

namespace chiaro::core {
namespace {

// Query rows per chunk of the ATen path: bounds the score tensor to ~64M elements, as the exporter's
// Python implementation does (768x768 would otherwise allocate 9216^2 x heads x batch at once).
constexpr int64_t kCompositeChunkElements = 64LL * 1024 * 1024;

void checkShapes(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads) {
    TORCH_CHECK(q.dim() == 3 && k.dim() == 3 && v.dim() == 3,
                "chiaro::attention: q, k, v must be [batch, tokens, channels], got ", q.sizes(), ", ",
                k.sizes(), ", ", v.sizes());
    TORCH_CHECK(heads > 0, "chiaro::attention: heads must be positive, got ", heads);
    TORCH_CHECK(q.size(0) == k.size(0) && k.size(0) == v.size(0), "chiaro::attention: batch sizes differ");
    TORCH_CHECK(k.size(1) == v.size(1), "chiaro::attention: k and v token counts differ");
    TORCH_CHECK(q.size(2) == k.size(2), "chiaro::attention: q and k widths differ");
    TORCH_CHECK(q.size(2) % heads == 0 && v.size(2) % heads == 0,
                "chiaro::attention: widths ", q.size(2), ", ", v.size(2), " are not divisible by ", heads, " heads");
    TORCH_CHECK(q.size(1) > 0 && k.size(1) > 0 && q.size(2) > 0 && v.size(2) > 0,
                "chiaro::attention: empty input");
}

// [B, L, heads*d] -> [B, heads, L, d]
torch::Tensor splitHeads(const torch::Tensor& x, int64_t heads) {
    return x.view({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
}

torch::Tensor fusedCpu(const torch::Tensor& qIn, const torch::Tensor& kIn, const torch::Tensor& vIn,
                       int64_t heads, double scale) {
    const auto q = qIn.contiguous(), k = kIn.contiguous(), v = vIn.contiguous();
    auto out = torch::empty({q.size(0), q.size(1), v.size(2)}, q.options());
    AttentionProblem p;
    p.q = q.data_ptr<float>();
    p.k = k.data_ptr<float>();
    p.v = v.data_ptr<float>();
    p.out = out.data_ptr<float>();
    p.batch = static_cast<int>(q.size(0));
    p.heads = static_cast<int>(heads);
    p.queryTokens = static_cast<int>(q.size(1));
    p.keyTokens = static_cast<int>(k.size(1));
    p.headWidth = static_cast<int>(q.size(2) / heads);
    p.valueHeadWidth = static_cast<int>(v.size(2) / heads);
    p.qRowStride = q.size(2);
    p.kRowStride = k.size(2);
    p.vRowStride = v.size(2);
    p.outRowStride = out.size(2);
    p.qBatchStride = q.size(1) * q.size(2);
    p.kBatchStride = k.size(1) * k.size(2);
    p.vBatchStride = v.size(1) * v.size(2);
    p.outBatchStride = out.size(1) * out.size(2);
    p.scale = static_cast<float>(scale);
    fusedAttention(p, [](std::int64_t count, const std::function<void(std::int64_t, std::int64_t)>& body) {
        at::parallel_for(0, count, 1, body);
    });
    return out;
}

}  // namespace

torch::Tensor chiaroAttentionComposite(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                       int64_t heads, double scale) {
    checkShapes(q, k, v, heads);
    const auto qh = splitHeads(q, heads), kh = splitHeads(k, heads), vh = splitHeads(v, heads);
    torch::Tensor out;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
    out = at::scaled_dot_product_attention(qh, kh, vh, {}, 0.0, false, scale);
#else
    const int64_t b = q.size(0), lq = q.size(1), lk = k.size(1);
    const auto q3 = qh.reshape({b * heads, lq, -1});
    const auto kt = kh.reshape({b * heads, lk, -1}).transpose(1, 2);
    const auto v3 = vh.reshape({b * heads, lk, -1});
    const int64_t rows = std::max<int64_t>(1, kCompositeChunkElements / std::max<int64_t>(1, b * heads * lk));
    out = torch::empty({b * heads, lq, v3.size(2)}, q.options());
    for (int64_t start = 0; start < lq; start += rows) {
        const int64_t end = std::min(lq, start + rows);
        const auto qc = q3.slice(1, start, end);
        auto scores = torch::baddbmm(torch::empty({b * heads, end - start, lk}, q.options()), qc, kt, 0.0, scale);
        out.slice(1, start, end).copy_(torch::bmm(torch::softmax(scores, -1), v3));
    }
    out = out.view({b, heads, lq, -1});
#endif
    return out.transpose(1, 2).reshape({q.size(0), q.size(1), v.size(2)});
}

torch::Tensor chiaroAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              int64_t heads, double scale) {
    checkShapes(q, k, v, heads);
    const bool fused = q.device().is_cpu() && q.scalar_type() == torch::kFloat &&
                       k.scalar_type() == torch::kFloat && v.scalar_type() == torch::kFloat &&
                       k.device().is_cpu() && v.device().is_cpu();
    if (fused) return fusedCpu(q, k, v, heads, scale);
    return chiaroAttentionComposite(q, k, v, heads, scale);
}

}  // namespace chiaro::core
