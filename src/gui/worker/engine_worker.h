#pragma once
// The worker object that owns the diffusion engine. It lives on the engine thread (EngineHost moves
// it there): run() is only ever invoked through a queued call, signals go out queued to the UI. The
// model bundle is loaded once and reused; it is reloaded only when the folder or the device options
// change. No exception leaves run(): failures come back in the result's status and as failed().
// It also owns the optional subject segmenter (segmenter.pt), loaded on first use and reloaded only
// when the bundle or the device changes; segment() reports through segmentDone(). A finished result
// comes with its display image (displayImage in image_bridge.h), made here, not on the UI thread.
#include <memory>

#include <QImage>
#include <QObject>

#include "chiaro/pipeline/subject_segmenter.h"
#include "worker/engine_request.h"

namespace chiaro::gui {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    // Runs one request synchronously on the calling (engine) thread.
    void run(const EngineRequest& request);
    // Segments one photo synchronously on the engine thread; always ends with segmentDone().
    void segment(const SegmentRequest& request);

Q_SIGNALS:
    void started(quint64 id);
    void stageChanged(quint64 id, const QString& message);
    void progressed(quint64 id, int step, int totalSteps, double elapsed, double eta);
    void previewReady(quint64 id, const QImage& preview);
    // `display`: the result for the screen (8-bit sRGB, converted on the engine thread: a 16-bit,
    // 24-megapixel result in another colour space costs too much for the UI thread); null on failure.
    void finished(quint64 id, const chiaro::gui::RelightResultPtr& result, const QImage& display);
    void failed(quint64 id, const QString& message);
    // Grayscale8 matte of the photo's size (255 = subject) and an empty error; on failure a null
    // matte and the reason; on cancel a null matte and "cancelled".
    void segmentDone(quint64 id, const QImage& matte, const QString& error);

private:
    core::Status ensureLoaded(const EngineRequest& request);
    core::RelightResult execute(const EngineRequest& request);
    // The subject's matte (CV_8UC1) from the bundle's segmenter, loading it when needed. Throws.
    cv::Mat runSegmenter(quint64 id, const cv::Mat& rgb, const QString& bundleDir,
                         const core::EngineOptions& options,
                         const core::CancelToken* cancel);

    std::unique_ptr<core::Engine> m_engine;
    QString m_loadedDir;
    core::EngineOptions m_loadedOptions;
    std::unique_ptr<core::SubjectSegmenter> m_segmenter;  // created on the first segment request
};

}  // namespace chiaro::gui
