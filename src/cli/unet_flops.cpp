#include "unet_flops.h"

#include <algorithm>
#include <string>
#include <vector>

#include "chiaro/core/error.h"

namespace chiaro::cli {
namespace {

// Accumulates FLOPs for one call; sizes are the current feature map's height and width.
struct Counter {
    double batch;
    double contextLength;
    double contextDim;
    double temb;
    UNetFlops flops;

    void conv(double h, double w, double cin, double cout, double k) {
        flops.conv += 2 * batch * h * w * cin * cout * k * k;
    }
    void linear(double rows, double in, double out) { flops.matmul += 2 * batch * rows * in * out; }

    void resnet(double h, double w, double cin, double cout) {
        conv(h, w, cin, cout, 3);
        linear(1, temb, cout);
        conv(h, w, cout, cout, 3);
        if (cin != cout) conv(h, w, cin, cout, 1);
    }

    // Transformer2DModel with one BasicTransformerBlock; proj_in/out cost the same as conv or linear.
    void transformer(double h, double w, double c) {
        const double n = h * w;
        linear(n, c, c);                                     // proj_in
        linear(n, c, 3 * c);                                 // self-attention q, k, v
        flops.matmul += 2 * 2 * batch * n * n * c;                // scores and weighted sum
        linear(n, c, c);                                     // to_out
        linear(n, c, c);                                     // cross-attention q
        linear(contextLength, contextDim, 2 * c);            // cross-attention k, v
        flops.matmul += 2 * 2 * batch * n * contextLength * c;
        linear(n, c, c);                                     // to_out
        linear(n, c, 8 * c);                                 // GEGLU projection
        linear(n, 4 * c, c);                                 // feed-forward out
        linear(n, c, c);                                     // proj_out
    }
};

int halfUp(int v) { return (v + 1) / 2; }  // 3x3 stride-2 conv with padding 1

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

UNetFlops unetFlops(const nlohmann::json& arch, const UNetCallShape& shape) {
    try {
        const auto ch = arch.at("block_out_channels").get<std::vector<int>>();
        const int layers = arch.at("layers_per_block").get<int>();
        const auto downTypes = arch.at("down_block_types").get<std::vector<std::string>>();
        const auto upTypes = arch.at("up_block_types").get<std::vector<std::string>>();
        const int n = static_cast<int>(ch.size());
        if (n == 0 || downTypes.size() != ch.size() || upTypes.size() != ch.size() || layers < 1) {
            throw core::Error(core::ErrorCode::ModelBundle, "manifest.json: malformed architecture.unet");
        }
        Counter c{static_cast<double>(shape.batch), static_cast<double>(shape.contextLength),
                  arch.at("cross_attention_dim").get<double>(), 4.0 * ch[0], UNetFlops{}};
        int h = shape.latentHeight, w = shape.latentWidth;
        std::vector<std::pair<int, int>> sizes;  // feature-map size of each skip, in push order
        c.linear(1, ch[0], c.temb);
        c.linear(1, c.temb, c.temb);
        c.conv(h, w, arch.at("in_channels").get<double>(), ch[0], 3);
        sizes.push_back({h, w});
        for (int i = 0; i < n; ++i) {
            const bool attn = startsWith(downTypes[i], "CrossAttn");
            for (int j = 0; j < layers; ++j) {
                c.resnet(h, w, j == 0 ? ch[std::max(i - 1, 0)] : ch[i], ch[i]);
                if (attn) c.transformer(h, w, ch[i]);
                sizes.push_back({h, w});
            }
            if (i < n - 1) {
                h = halfUp(h);
                w = halfUp(w);
                c.conv(h, w, ch[i], ch[i], 3);
                sizes.push_back({h, w});
            }
        }
        c.resnet(h, w, ch[n - 1], ch[n - 1]);
        c.transformer(h, w, ch[n - 1]);
        c.resnet(h, w, ch[n - 1], ch[n - 1]);
        std::vector<int> rch(ch.rbegin(), ch.rend());
        std::vector<int> skipChannels = {ch[0]};  // channels of each skip, in push order (as `sizes`)
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j < layers; ++j) skipChannels.push_back(ch[i]);
            if (i < n - 1) skipChannels.push_back(ch[i]);
        }
        int cur = ch[n - 1];
        for (int i = 0; i < n; ++i) {
            const bool attn = startsWith(upTypes[i], "CrossAttn");
            for (int j = 0; j <= layers; ++j) {
                const int skip = skipChannels.back();
                skipChannels.pop_back();
                sizes.pop_back();
                c.resnet(h, w, cur + skip, rch[i]);
                if (attn) c.transformer(h, w, rch[i]);
                cur = rch[i];
            }
            if (i < n - 1) {
                h = sizes.back().first;  // upsample to the next skip's size
                w = sizes.back().second;
                c.conv(h, w, cur, cur, 3);
            }
        }
        c.conv(h, w, ch[0], arch.at("out_channels").get<double>(), 3);
        return c.flops;
    } catch (const nlohmann::json::exception& e) {
        throw core::Error(core::ErrorCode::ModelBundle,
                          std::string("manifest.json: architecture.unet: ") + e.what());
    }
}

}  // namespace chiaro::cli
