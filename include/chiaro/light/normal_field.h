#pragma once
// A rough 3-D shape for a masked subject, from its silhouette, plus optional fine relief from the
// photo. Normals are unit vectors in camera space (x right, y up, z toward the viewer), CV_32FC3,
// one per pixel; pixels outside the silhouette get (0, 0, 1).
#include <opencv2/core.hpp>

namespace chiaro::core {

// Heights (CV_32F, in pixels) of the silhouette `mask` (CV_8UC1, > 127 = inside) inflated as
// z = sqrt(h), where ∇²h = -4 inside and h = 0 outside and beyond the image border. This is exact
// for simple solids: a disc becomes a hemisphere of the disc's radius, an ellipse a half ellipsoid,
// a long strip a half cylinder with rounded ends. Solved coarse to fine (Gauss-Seidel per level).
cv::Mat inflateSilhouette(const cv::Mat& mask);

// Unit normals of the height field `z` (CV_32F) by central differences; outside `mask`: (0, 0, 1).
cv::Mat normalsFromHeights(const cv::Mat& z, const cv::Mat& mask);

// Bends `normals` in place by the photo's fine luminance relief (the image's detail at a few
// pixels' scale read as bumps, brighter = nearer), inside `mask` only. strength 0 leaves them
// unchanged; 1 is a clearly visible relief.
void addDetailRelief(cv::Mat& normals,
                     const cv::Mat& imageRgb,
                     const cv::Mat& mask,
                     double strength);

// inflateSilhouette + normalsFromHeights.
cv::Mat silhouetteNormals(const cv::Mat& mask);

// silhouetteNormals for a subject that may be cut by the frame: where the mask touches the image
// border, that border is not the subject's outline but where the photo ends. The mask is continued
// past the frame (its border rows and columns repeated for `margin` pixels) before inflating, so
// the shape does not curve away at the cut. Same as silhouetteNormals when nothing touches.
cv::Mat silhouetteNormalsOpenFrame(const cv::Mat& mask, int margin);

}  // namespace chiaro::core
