// The chiaro::attention operator: fused CPU kernel == ATen composite == the textbook formula, through
// the dispatcher as TorchScript calls it; other dtypes take the composite path; bad shapes throw.
#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>

#include "pipeline/attention_op.h"
#include "pipeline/chiaro_ops.h"

using namespace chiaro::core;

namespace {

torch::Tensor textbook(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads,
                       double scale) {
    auto split = [heads](const torch::Tensor& x) {
        return x.view({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
    };
    auto w = torch::softmax(torch::matmul(split(q), split(k).transpose(-1, -2)) * scale, -1);
    auto out = torch::matmul(w, split(v));
    return out.transpose(1, 2).reshape({q.size(0), q.size(1), v.size(2)});
}

}  // namespace

TEST_CASE("chiaro::attention matches the formula through the dispatcher", "[pipeline][attention]") {
    ensureChiaroOpsRegistered();
    torch::manual_seed(3);
    c10::InferenceMode guard;
    const auto q = torch::randn({2, 70, 8 * 40});
    const auto k = torch::randn({2, 77, 8 * 40});
    const auto v = torch::randn({2, 77, 8 * 40});
    const double scale = 1.0 / std::sqrt(40.0);
    const auto expected = textbook(q.to(torch::kDouble), k.to(torch::kDouble), v.to(torch::kDouble), 8, scale);

    auto op = c10::Dispatcher::singleton().findSchemaOrThrow("chiaro::attention", "").typed<
        torch::Tensor(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&, int64_t, double)>();
    const auto viaDispatcher = op.call(q, k, v, 8, scale);
    REQUIRE(viaDispatcher.sizes() == q.sizes());
    CHECK((viaDispatcher.to(torch::kDouble) - expected).abs().max().item<double>() < 2e-5);
    const auto composite = chiaroAttentionComposite(q, k, v, 8, scale);
    CHECK((composite.to(torch::kDouble) - expected).abs().max().item<double>() < 2e-5);
}

TEST_CASE("chiaro::attention reads strided projections and runs other dtypes", "[pipeline][attention]") {
    torch::manual_seed(4);
    c10::InferenceMode guard;
    // A non-contiguous q (a slice of a wider projection) and value heads wider than key heads.
    const auto wide = torch::randn({1, 33, 2 * 16 * 2});
    const auto q = wide.slice(2, 0, 32);
    const auto k = torch::randn({1, 19, 32});
    const auto v = torch::randn({1, 19, 2 * 24});
    const auto expected = textbook(q.contiguous(), k, v, 2, 0.25);
    CHECK((chiaroAttention(q, k, v, 2, 0.25) - expected).abs().max().item<float>() < 1e-5);
    const auto asDouble = chiaroAttention(q.to(torch::kDouble), k.to(torch::kDouble), v.to(torch::kDouble), 2, 0.25);
    CHECK(asDouble.scalar_type() == torch::kDouble);
    CHECK((asDouble.to(torch::kFloat) - expected).abs().max().item<float>() < 1e-5);
}

TEST_CASE("chiaro::attention rejects mismatched shapes with a message", "[pipeline][attention]") {
    c10::InferenceMode guard;
    const auto q = torch::randn({1, 4, 12});
    CHECK_THROWS_WITH(chiaroAttention(q, torch::randn({1, 4, 12}), torch::randn({1, 5, 12}), 2, 1.0),
                      Catch::Contains("token counts differ"));
    CHECK_THROWS_WITH(chiaroAttention(q, q, q, 5, 1.0), Catch::Contains("not divisible by 5 heads"));
    CHECK_THROWS_WITH(chiaroAttention(q.view({4, 12}), q, q, 2, 1.0), Catch::Contains("[batch, tokens, channels]"));
}
