#include "chiaro/mask/brush_stroke.h"

#include <algorithm>
#include <cmath>

namespace chiaro::core {

namespace {

constexpr int kTile = MaskTileDelta::kTileSize;

BrushParams clamped(BrushParams p) {
    p.radius = std::clamp(p.radius, 0.5f, 250.0f);
    p.hardness = std::clamp(p.hardness, 0.0f, 1.0f);
    p.flow = std::clamp(p.flow, 0.0f, 1.0f);
    p.opacity = std::clamp(p.opacity, 0.0f, 1.0f);
    p.spacing = std::clamp(p.spacing, 0.02f, 1.0f);
    return p;
}

float smoothstep(float t) { return t * t * (3.0f - 2.0f * t); }

}  // namespace

float dabCoverage(float distance, float radius, float hardness) {
    // The edge band is (1 - hardness) of the radius but at least 1 px wide, centred on the radius
    // for hard brushes so a hard dab of radius r covers the disc of radius r with an antialiased rim.
    const float band = std::max(1.0f, (1.0f - hardness) * radius);
    const float t = std::clamp((radius + 0.5f - distance) / band, 0.0f, 1.0f);
    return band > 1.0f ? smoothstep(t) : t;
}

BrushStroke::BrushStroke(cv::Mat& mask, const BrushParams& params)
    : m_mask(mask), m_params(clamped(params)) {}

cv::Rect BrushStroke::addPoint(cv::Point2f position, float pressure) {
    pressure = std::clamp(pressure, 0.0f, 1.0f);
    if (!m_started) {
        m_started = true;
        m_last = position;
        m_lastPressure = pressure;
        m_carry = 0.0f;
        return stampDab(position, pressure);
    }
    const cv::Point2f delta = position - m_last;
    const float length = std::hypot(delta.x, delta.y);
    cv::Rect dirty;
    // Walk the segment placing a dab every `step` pixels; pressure is interpolated along it.
    float walked = 0.0f;
    while (true) {
        const float t = length > 0 ? walked / length : 1.0f;
        const float p = m_lastPressure + (pressure - m_lastPressure) * t;
        const float radius = m_params.radius * (m_params.pressureSize ? std::max(p, 0.05f) : 1.0f);
        const float step = std::max(0.5f, 2.0f * radius * m_params.spacing);
        const float next = walked + (step - m_carry);
        if (next > length) {
            m_carry += length - walked;
            break;
        }
        walked = next;
        m_carry = 0.0f;
        const float s = length > 0 ? walked / length : 1.0f;
        const cv::Rect r = stampDab(m_last + delta * s, m_lastPressure + (pressure - m_lastPressure) * s);
        dirty = dirty.empty() ? r : (r.empty() ? dirty : (dirty | r));
    }
    m_last = position;
    m_lastPressure = pressure;
    return dirty;
}

cv::Rect BrushStroke::stampDab(cv::Point2f centre, float pressure) {
    const float radius = m_params.radius * (m_params.pressureSize ? std::max(pressure, 0.05f) : 1.0f);
    const float flow = m_params.flow * (m_params.pressureFlow ? pressure : 1.0f);
    const int reach = static_cast<int>(std::ceil(radius + 1.0f));
    const cv::Rect all(0, 0, m_mask.cols, m_mask.rows);
    const cv::Rect area = cv::Rect(static_cast<int>(std::floor(centre.x)) - reach,
                                   static_cast<int>(std::floor(centre.y)) - reach, 2 * reach + 2,
                                   2 * reach + 2) & all;
    if (area.empty() || flow <= 0.0f) return {};
    for (const cv::Rect& tileRect : MaskTileDelta::tilesCovering(m_mask.size(), area))
        stampTile(tileRect, tileAt(tileRect), area & tileRect, centre, radius, flow);
    m_bounds = m_bounds.empty() ? area : (m_bounds | area);
    return area;
}

BrushStroke::Tile& BrushStroke::tileAt(const cv::Rect& tileRect) {
    const int64_t key = static_cast<int64_t>(tileRect.y / kTile) * 1000000 + tileRect.x / kTile;
    auto it = m_tiles.find(key);
    if (it == m_tiles.end()) {
        Tile tile{m_mask(tileRect).clone(), cv::Mat::zeros(tileRect.size(), CV_32FC1)};
        it = m_tiles.emplace(key, std::move(tile)).first;
    }
    return it->second;
}

void BrushStroke::stampTile(const cv::Rect& tileRect, Tile& tile, const cv::Rect& area,
                            cv::Point2f centre, float radius, float flow) {
    const float target = m_params.mode == BrushMode::Paint ? 255.0f : 0.0f;
    for (int y = area.y; y < area.br().y; ++y) {
        const int ty = y - tileRect.y;
        float* coverage = tile.coverage.ptr<float>(ty);
        const uint8_t* before = tile.before.ptr<uint8_t>(ty);
        uint8_t* out = m_mask.ptr<uint8_t>(y);
        const float dy = y + 0.5f - centre.y;
        for (int x = area.x; x < area.br().x; ++x) {
            const float dx = x + 0.5f - centre.x;
            const float a = dabCoverage(std::sqrt(dx * dx + dy * dy), radius, m_params.hardness) * flow;
            if (a <= 0.0f) continue;
            const int tx = x - tileRect.x;
            coverage[tx] += (1.0f - coverage[tx]) * a;
            const float b = before[tx];
            out[x] = static_cast<uint8_t>(std::lround(b + (target - b) * coverage[tx] * m_params.opacity));
        }
    }
}

MaskTileDelta BrushStroke::finish() {
    if (m_started && m_carry > 0.0f) stampDab(m_last, m_lastPressure);
    m_started = false;
    MaskTileDelta delta;
    for (const auto& entry : m_tiles) {
        const Tile& tile = entry.second;
        const cv::Rect rect(cv::Point(static_cast<int>(entry.first % 1000000) * kTile,
                                      static_cast<int>(entry.first / 1000000) * kTile),
                            tile.before.size());
        delta.addTile(rect.tl(), tile.before, m_mask(rect));
    }
    m_tiles.clear();
    return delta;
}

}  // namespace chiaro::core
