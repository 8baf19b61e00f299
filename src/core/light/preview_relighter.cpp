// PreviewRelighter preparation: everything that does not depend on the new light.
#include "chiaro/light/preview_relighter.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "chiaro/light/normal_field.h"
#include "chiaro/light/subject_mask.h"
#include "preview_shading.h"
#include "srgb_lut.h"

namespace chiaro::core {
namespace {

cv::Mat decodeToLinear(const cv::Mat& rgb) {
    const auto& lut = srgbToLinear();
    cv::Mat linear(rgb.size(), CV_32FC3);
    for (int y = 0; y < rgb.rows; ++y) {
        const auto* in = rgb.ptr<cv::Vec3b>(y);
        auto* out = linear.ptr<cv::Vec3f>(y);
        for (int x = 0; x < rgb.cols; ++x)
            out[x] = {lut[in[x][0]], lut[in[x][1]], lut[in[x][2]]};
    }
    return linear;
}

}  // namespace

PreviewRelighter::PreviewRelighter(const cv::Mat& imageRgb,
                                   const cv::Mat& mask,
                                   const PreviewOptions& options)
    : m_options(options) {
    requireRgbImage(imageRgb, "preview");
    const SubjectMask subject = conformSubjectMask(mask, imageRgb.size(), "preview");
    m_wholeImage = subject.wholeImage;
    m_alpha8 = subject.alpha;
    m_original = imageRgb.clone();
    m_originalLight = estimateLight(imageRgb, m_wholeImage ? cv::Mat() : m_alpha8);

    const cv::Mat shape = silhouetteNormals(m_alpha8);
    prepareAlbedo(decodeToLinear(imageRgb), shape);
    m_normals = shape.clone();
    addDetailRelief(m_normals, imageRgb, m_alpha8, m_options.detailStrength);
}

// albedo = photo / estimated original shading. The estimate is trusted in proportion to the fit's
// confidence; the rest of the shading is assumed flat (shading 1), i.e. left in the albedo.
void PreviewRelighter::prepareAlbedo(const cv::Mat& linear, const cv::Mat& shape) {
    const auto l = m_originalLight.direction.toVector();
    const cv::Vec3f light{static_cast<float>(l[0]), static_cast<float>(l[1]),
                          static_cast<float>(l[2])};
    const float trust =
        float(std::clamp(m_options.originalLightRemoval * m_originalLight.confidence, 0.0, 1.0));
    m_albedo.create(linear.size(), CV_32FC3);
    cv::parallel_for_(cv::Range(0, linear.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const auto* n = shape.ptr<cv::Vec3f>(y);
            const auto* in = linear.ptr<cv::Vec3f>(y);
            auto* out = m_albedo.ptr<cv::Vec3f>(y);
            for (int x = 0; x < linear.cols; ++x) {
                const float modelled = preview::shading(n[x].dot(light));
                const float shading =
                    std::max(1.0f + trust * (modelled - 1.0f), preview::kMinOriginalShading);
                out[x] = in[x] * (1.0f / shading);
            }
        }
    });
}

}  // namespace chiaro::core
