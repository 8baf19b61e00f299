#pragma once
// The instant, weight-free relight shown while the user drags the light (and `chiaro-cli preview`).
// Prepared once per (image, mask): subject normals from the silhouette plus the photo's fine
// relief, the photo's own light (light_estimator.h) and the albedo (the photo divided by that
// light's shading). render() then only re-shades: ambient + Lambert + a soft Blinn-Phong specular
// in linear light, tinted by the light's colour and scaled by its intensity. The GUI calls render()
// on every slider move; it is const, so several threads may render from one prepared relighter.
//
// Colour order: RGB in and out (CV_8UC3). Mask rules: subject_mask.h (no mask = the whole image is
// the subject; a mask of another size is resized with a warning).
#include <opencv2/core.hpp>

#include "chiaro/light/light.h"
#include "chiaro/light/light_estimator.h"

namespace chiaro::core {

struct PreviewOptions {
    // Pixels where the mask is 0 are copied bit for bit; soft mask edges blend. When false the
    // background gets a soft wash of the same light (the light map's shading), never re-shaded.
    bool keepUnmasked = false;
    double detailStrength = 0.5;  // relief from the photo's fine detail; 0 = silhouette shape only
    double originalLightRemoval =
        0.7;  // share of the photo's estimated shading divided out (× confidence)
};

class PreviewRelighter {
  public:
    // Throws Error(BadInput) for an image that is not a non-empty CV_8UC3 or a mask that is not
    // CV_8UC1.
    explicit PreviewRelighter(const cv::Mat& imageRgb,
                              const cv::Mat& mask = {},
                              const PreviewOptions& options = {});

    // The relit image (CV_8UC3 RGB, the input's size). A light without direction ("none") returns a
    // copy of the input. Throws Error(Usage) for invalid settings (validateLightSettings).
    cv::Mat render(const LightSettings& light) const;
    // Same, reusing `out`'s buffer when it already has the right size and type.
    void render(const LightSettings& light, cv::Mat& out) const;

    const LightEstimate& originalLight() const { return m_originalLight; }
    const cv::Mat& normals() const { return m_normals; }  // CV_32FC3, camera space
    bool wholeImage() const { return m_wholeImage; }
    cv::Size size() const { return m_original.size(); }

    struct Frame;  // render()'s per-frame light terms; opaque, defined in preview_render.cpp

  private:
    void prepareAlbedo(const cv::Mat& linear, const cv::Mat& silhouetteNormals);
    void renderRows(const Frame& frame, cv::Mat& out, int rowBegin, int rowEnd) const;

    PreviewOptions m_options;
    cv::Mat m_original;  // CV_8UC3, the input (the background's source, keepUnmasked and "none")
    cv::Mat m_albedo;    // CV_32FC3, linear light divided by the estimated original shading
    cv::Mat m_normals;   // CV_32FC3, silhouette normals bent by the fine relief
    cv::Mat m_alpha8;    // CV_8UC1 subject mask
    LightEstimate m_originalLight;
    bool m_wholeImage = false;
};

}  // namespace chiaro::core
