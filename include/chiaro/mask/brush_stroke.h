#pragma once
// Rasterises one brush or eraser stroke into a mask (CV_8UC1, 255 = selected). Input points are
// joined by dabs spaced a fraction of the diameter apart, so a fast mouse leaves no gaps. Within a
// stroke, dabs build up coverage by `flow`; the stroke then moves each pixel towards the target (255
// for the brush, 0 for the eraser) by coverage × opacity, starting from the pixel's value before the
// stroke, so going over the same spot twice in one stroke never exceeds the opacity.
#include <cstdint>
#include <unordered_map>

#include <opencv2/core.hpp>

#include "chiaro/mask/tile_delta.h"

namespace chiaro::core {

enum class BrushMode { Paint, Erase };

struct BrushParams {
    float radius = 20.0f;       // image pixels; the UI's size 1..500 px is the diameter
    float hardness = 0.8f;      // 0: soft falloff from the centre, 1: hard edge (1 px antialiasing)
    float flow = 1.0f;          // coverage one dab adds, 0..1
    float opacity = 1.0f;       // the most one stroke changes a pixel, 0..1
    float spacing = 0.1f;       // distance between dabs as a fraction of the diameter
    bool pressureSize = true;   // pen pressure scales the radius
    bool pressureFlow = false;  // pen pressure scales the flow
    BrushMode mode = BrushMode::Paint;
};

// Coverage (0..1) of a dab of `radius` and `hardness` at `distance` from its centre.
float dabCoverage(float distance, float radius, float hardness);

class BrushStroke {
public:
    // `mask` must stay alive and keep its size until finish(); parameters are clamped to range.
    BrushStroke(cv::Mat& mask, const BrushParams& params);

    // Adds a point (image pixels, pressure 0..1) and returns the mask pixels it changed (empty if
    // none). The first point places one dab; later points fill the segment from the previous one.
    cv::Rect addPoint(cv::Point2f position, float pressure = 1.0f);

    // Ends the stroke: places a last dab on the final point when the spacing left it without one,
    // and returns the stroke's undo record (only the changed tiles; its bounds() cover that dab).
    MaskTileDelta finish();

    cv::Rect bounds() const { return m_bounds; }  // every pixel the stroke touched so far

private:
    struct Tile {
        cv::Mat before;    // CV_8UC1, the mask before the stroke
        cv::Mat coverage;  // CV_32FC1, accumulated dab coverage 0..1
    };
    cv::Rect stampDab(cv::Point2f centre, float pressure);
    void stampTile(const cv::Rect& tileRect, Tile& tile, const cv::Rect& area, cv::Point2f centre,
                   float radius, float flow);
    Tile& tileAt(const cv::Rect& tileRect);

    cv::Mat& m_mask;
    BrushParams m_params;
    std::unordered_map<int64_t, Tile> m_tiles;
    cv::Point2f m_last;
    float m_lastPressure = 1.0f;
    float m_carry = 0.0f;  // distance walked since the last dab
    bool m_started = false;
    cv::Rect m_bounds;
};

}  // namespace chiaro::core
