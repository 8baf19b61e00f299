// The chiaro::geglu operator: the fused CPU kernel == ATen's chunk/gelu/multiply, through the
// dispatcher as TorchScript calls it; strided inputs and other dtypes take the composite path; an odd
// last dimension is refused with a message.
#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>

#include "pipeline/chiaro_ops.h"
#include "pipeline/geglu_op.h"

using namespace chiaro::core;

namespace {

torch::Tensor formula(const torch::Tensor& x) {
    const auto halves = x.chunk(2, -1);
    return halves[0] * torch::gelu(halves[1]);
}

}  // namespace

TEST_CASE("chiaro::geglu matches chunk, gelu and multiply through the dispatcher", "[pipeline][geglu]") {
    ensureChiaroOpsRegistered();
    torch::manual_seed(5);
    c10::InferenceMode guard;
    // The UNet's shape at a 64x64 latent (320 channels, 4x inner) and an odd-sized one with a tail.
    for (const auto& sizes : {std::vector<int64_t>{2, 4096, 2 * 1280}, std::vector<int64_t>{3, 17, 2 * 13}}) {
        const auto x = torch::randn(sizes) * 3;
        const auto expected = formula(x.to(torch::kDouble));
        auto op = c10::Dispatcher::singleton().findSchemaOrThrow("chiaro::geglu", "").typed<torch::Tensor(const torch::Tensor&)>();
        const auto got = op.call(x);
        INFO("sizes " << x.sizes());
        REQUIRE(got.sizes() == expected.sizes());
        REQUIRE(got.scalar_type() == torch::kFloat);
        // Errors relative to the result's size (gates reach ~15 here): ATen's own GELU is no closer.
        auto error = [&](const torch::Tensor& t) {
            return ((t.to(torch::kDouble) - expected).abs() / (expected.abs() + 1)).max().item<double>();
        };
        CHECK(error(got) < 1e-6);
        CHECK(error(chiaroGegluComposite(x)) < 1e-6);
    }
}

TEST_CASE("chiaro::geglu runs strided inputs and other dtypes", "[pipeline][geglu]") {
    torch::manual_seed(6);
    c10::InferenceMode guard;
    const auto wide = torch::randn({4, 9, 30});
    const auto strided = wide.slice(2, 0, 20);  // not contiguous
    REQUIRE_FALSE(strided.is_contiguous());
    CHECK((chiaroGeglu(strided) - formula(strided)).abs().max().item<float>() < 1e-6);
    const auto asDouble = chiaroGeglu(wide.to(torch::kDouble));
    CHECK(asDouble.scalar_type() == torch::kDouble);
    CHECK((asDouble - formula(wide.to(torch::kDouble))).abs().max().item<double>() < 1e-12);
}

TEST_CASE("chiaro::geglu refuses a last dimension it cannot halve", "[pipeline][geglu]") {
    c10::InferenceMode guard;
    try {
        chiaroGeglu(torch::zeros({2, 7}));
        FAIL("no error for an odd last dimension");
    } catch (const c10::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("must be even"));
    }
    CHECK_THROWS(chiaroGeglu(torch::zeros({0, 8})));
}
