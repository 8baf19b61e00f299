#pragma once
// The undo record of one mask edit: only the 64×64 tiles that changed, before and after, each
// run-length encoded. A brush stroke over a 24 MP mask therefore costs a few kilobytes instead of
// two 24 MB copies. Masks are CV_8UC1, 255 = selected.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::core {

class MaskTileDelta {
public:
    static constexpr int kTileSize = 64;

    // Compares `before` and `after` (same size, CV_8UC1) tile by tile inside `region` (the whole
    // mask when empty) and keeps the tiles that differ.
    static MaskTileDelta diff(const cv::Mat& before, const cv::Mat& after, cv::Rect region = {});

    // Runs `edit` on `mask` and records what it changed. `edit` must not touch pixels outside
    // `region` (the whole mask when empty); only the tiles covering `region` are copied first.
    static MaskTileDelta record(cv::Mat& mask, cv::Rect region,
                                const std::function<void(cv::Mat&)>& edit);

    // Adds one tile whose top-left corner is `origin` (a multiple of kTileSize); `before` and
    // `after` are the tile's contents (clipped at the mask border). Equal tiles are skipped.
    void addTile(cv::Point origin, const cv::Mat& before, const cv::Mat& after);

    void applyBefore(cv::Mat& mask) const;  // undo: writes the old tiles back
    void applyAfter(cv::Mat& mask) const;   // redo: writes the new tiles back

    bool empty() const { return m_tiles.empty(); }
    size_t tileCount() const { return m_tiles.size(); }
    cv::Rect bounds() const { return m_bounds; }  // union of the changed tiles, mask pixels
    size_t byteSize() const;                      // heap memory this record holds

    // The tiles covering `region`, clipped to a mask of `size`, as tile-aligned rectangles.
    static std::vector<cv::Rect> tilesCovering(cv::Size size, cv::Rect region);

private:
    struct Tile {
        cv::Rect rect;
        std::vector<uint8_t> before;  // run-length encoded
        std::vector<uint8_t> after;
    };
    void apply(cv::Mat& mask, bool after) const;

    std::vector<Tile> m_tiles;
    cv::Rect m_bounds;
};

}  // namespace chiaro::core
