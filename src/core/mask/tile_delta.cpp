#include "chiaro/mask/tile_delta.h"

#include <algorithm>

#include "chiaro/core/error.h"
#include "rle.h"

namespace chiaro::core {

namespace {

cv::Rect fullOrClipped(cv::Size size, cv::Rect region) {
    const cv::Rect all(0, 0, size.width, size.height);
    return region.empty() ? all : (region & all);
}

void requireSameMasks(const cv::Mat& a, const cv::Mat& b) {
    if (a.type() != CV_8UC1 || b.type() != CV_8UC1 || a.size() != b.size())
        throw Error(ErrorCode::Failure, "mask undo: before and after masks differ in size or type");
}

}  // namespace

std::vector<cv::Rect> MaskTileDelta::tilesCovering(cv::Size size, cv::Rect region) {
    std::vector<cv::Rect> tiles;
    const cv::Rect area = fullOrClipped(size, region);
    if (area.empty()) return tiles;
    const int x0 = area.x / kTileSize * kTileSize, y0 = area.y / kTileSize * kTileSize;
    const cv::Rect all(0, 0, size.width, size.height);
    for (int y = y0; y < area.br().y; y += kTileSize)
        for (int x = x0; x < area.br().x; x += kTileSize)
            tiles.push_back(cv::Rect(x, y, kTileSize, kTileSize) & all);
    return tiles;
}

MaskTileDelta MaskTileDelta::diff(const cv::Mat& before, const cv::Mat& after, cv::Rect region) {
    requireSameMasks(before, after);
    MaskTileDelta delta;
    for (const cv::Rect& tile : tilesCovering(after.size(), region))
        delta.addTile(tile.tl(), before(tile), after(tile));
    return delta;
}

MaskTileDelta MaskTileDelta::record(cv::Mat& mask, cv::Rect region,
                                    const std::function<void(cv::Mat&)>& edit) {
    const std::vector<cv::Rect> tiles = tilesCovering(mask.size(), region);
    std::vector<cv::Mat> saved;
    saved.reserve(tiles.size());
    for (const cv::Rect& tile : tiles) saved.push_back(mask(tile).clone());
    edit(mask);
    MaskTileDelta delta;
    for (size_t i = 0; i < tiles.size(); ++i) delta.addTile(tiles[i].tl(), saved[i], mask(tiles[i]));
    return delta;
}

void MaskTileDelta::addTile(cv::Point origin, const cv::Mat& before, const cv::Mat& after) {
    if (before.size() != after.size()) throw Error(ErrorCode::Failure, "mask undo: tile sizes differ");
    if (cv::countNonZero(before != after) == 0) return;
    const cv::Rect rect(origin, before.size());
    m_tiles.push_back({rect, rle::encode(before), rle::encode(after)});
    m_bounds = m_bounds.empty() ? rect : (m_bounds | rect);
}

void MaskTileDelta::apply(cv::Mat& mask, bool after) const {
    const cv::Rect all(0, 0, mask.cols, mask.rows);
    for (const Tile& tile : m_tiles) {
        if ((tile.rect & all) != tile.rect)
            throw Error(ErrorCode::Failure, "mask undo: the mask changed size since the edit");
        cv::Mat target = mask(tile.rect);
        rle::decode(after ? tile.after : tile.before, target);
    }
}

void MaskTileDelta::applyBefore(cv::Mat& mask) const { apply(mask, false); }
void MaskTileDelta::applyAfter(cv::Mat& mask) const { apply(mask, true); }

size_t MaskTileDelta::byteSize() const {
    size_t bytes = m_tiles.capacity() * sizeof(Tile);
    for (const Tile& tile : m_tiles) bytes += tile.before.capacity() + tile.after.capacity();
    return bytes;
}

}  // namespace chiaro::core
