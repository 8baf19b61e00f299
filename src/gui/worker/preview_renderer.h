#pragma once
// The instant, weight-free preview off the UI thread. One task runs at a time on Qt's thread pool:
// preparing a PreviewRelighter for a new photo/mask, or rendering one frame. While a task runs, only
// the NEWEST request is remembered (older ones are dropped), so dragging a slider never builds a
// backlog and the preview always ends on the last position. Lives on (and signals to) the UI thread.
#include <memory>
#include <optional>

#include <QFutureWatcher>
#include <QImage>
#include <QObject>

#include <opencv2/core.hpp>

#include "chiaro/light/light.h"
#include "chiaro/light/preview_relighter.h"

namespace chiaro::gui {

class PreviewRenderer : public QObject {
    Q_OBJECT
public:
    explicit PreviewRenderer(QObject* parent = nullptr);
    // Waits for the running task (a frame takes milliseconds; preparing well under a second).
    ~PreviewRenderer() override;

    // A new photo (CV_8UC3 RGB) and subject mask (CV_8UC1 or empty): prepares the relighter off the
    // UI thread. Frames of the previous photo still in flight are discarded.
    void setSource(const cv::Mat& imageRgb, const cv::Mat& mask, const core::PreviewOptions& options = {});
    // Renders `light` as soon as the pool is free; replaces any request not yet started.
    void requestRender(const core::LightSettings& light);

    bool isPrepared() const { return m_relighter != nullptr; }
    bool isBusy() const { return m_busy; }
    std::shared_ptr<const core::PreviewRelighter> relighter() const { return m_relighter; }
    int renderedFrames() const { return m_rendered; }
    int droppedRequests() const { return m_dropped; }

Q_SIGNALS:
    void prepared();
    void previewReady(const QImage& image);
    void failed(const QString& message);

private:
    struct Source {
        cv::Mat image, mask;
        core::PreviewOptions options;
    };
    struct Outcome {
        std::shared_ptr<const core::PreviewRelighter> relighter;  // set by a prepare task
        QImage frame;                                             // set by a render task
        QString error;
    };

    void pump();
    void startPrepare(Source source);
    void startRender(const core::LightSettings& light);
    void onTaskDone();

    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<const core::PreviewRelighter> m_relighter;
    std::optional<Source> m_pendingSource;
    std::optional<core::LightSettings> m_pendingLight;
    bool m_busy = false;
    bool m_taskIsPrepare = false;
    quint64 m_generation = 0;      // bumped by setSource; stale frames carry an older one
    quint64 m_taskGeneration = 0;
    int m_rendered = 0;
    int m_dropped = 0;
};

}  // namespace chiaro::gui
