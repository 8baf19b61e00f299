#pragma once
// Opens photos off the UI thread: core::loadPhoto (EXIF orientation, pixel limit, 16-bit, ICC
// profile) and the 8-bit sRGB view the canvas, the instant preview and the model use, decoded on
// Qt's thread pool. A later load() supersedes an earlier one: only the newest request reports,
// older ones finish in the background and are dropped. Qt resource paths (":/samples/...") are
// decoded by QImage as 8-bit sRGB. Signals are emitted on the loader's (UI) thread.
#include <memory>
#include <vector>

#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QString>

#include "chiaro/image/photo.h"
#include "chiaro/pipeline/relight_job.h"

namespace chiaro::gui {

struct LoadedPhoto {
    core::Photo photo;          // the file's own pixels, alpha and profile
    core::RelightJob pixels;    // image / original / iccProfile as core::setJobPhoto fills a job
    QImage view;                // pixels.image as RGB888
    // Made on the pool with the decode, so opening a 24 MP photo costs the UI thread no pixel work:
    QImage display;                  // pixels.image reduced to core::displayProxy: the compare view's
    std::vector<cv::Mat> pyramid;    // the canvas's levels of pixels.image (CanvasRenderer::buildPyramid)
    cv::Mat sidecarMask;             // `<name>_mask.png` beside the file, decoded; empty when none
    QString sidecarMaskName;         // its file name, for the status bar

    // An 8-bit sRGB photo from a QImage (a pasted image, a Qt resource, tests).
    static std::shared_ptr<const LoadedPhoto> fromImage(const QImage& image);
    // Decodes `path` and its sidecar mask (blocking; runs on the pool). Throws core::Error naming the
    // file; a sidecar mask that cannot be read is skipped with a warning.
    static std::shared_ptr<const LoadedPhoto> decode(const QString& path);
};
using LoadedPhotoPtr = std::shared_ptr<const LoadedPhoto>;

class PhotoLoader : public QObject {
    Q_OBJECT
public:
    explicit PhotoLoader(QObject* parent = nullptr);
    ~PhotoLoader() override;

    // Starts decoding `path`; returns the request's number. Never blocks.
    quint64 load(const QString& path);
    bool isLoading() const { return m_pending != 0; }

Q_SIGNALS:
    void busyChanged(bool busy);
    void loaded(const QString& path, const chiaro::gui::LoadedPhotoPtr& photo);
    // `message` is the loader's error text (it names the file and the reason).
    void failed(const QString& path, const QString& message);

private:
    quint64 m_latest = 0;   // the request that may still report
    quint64 m_pending = 0;  // the newest request not yet finished (0 = idle)
};

}  // namespace chiaro::gui

Q_DECLARE_METATYPE(chiaro::gui::LoadedPhotoPtr)
