#pragma once
// The instant, weight-free preview off the UI thread. One task runs at a time on Qt's thread pool:
// preparing a PreviewRelighter for a new photo/mask, or rendering one frame. While a task runs, only
// the NEWEST request is remembered (older ones are dropped), so dragging a slider never builds a
// backlog and the preview always ends on the last position. Lives on (and signals to) the UI thread.
// It works on a screen-sized proxy of the photo (core::displayProxy, made on the pool once per
// photo and kept while only the mask changes), so a frame costs the same at 6 and at 45 MP.
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QImage>
#include <QObject>

#include <opencv2/core.hpp>

#include "chiaro/light/display_proxy.h"
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
    // UI thread, on proxies whose long side is at most `proxyLongSide`. Both Mats are shared, not
    // copied (a copy of 24 MP on every mask change is what made the UI thread stall): the caller
    // must not write into them afterwards. Frames of the previous photo still in flight are discarded.
    void setSource(const cv::Mat& imageRgb, const cv::Mat& mask, const core::PreviewOptions& options = {},
                   int proxyLongSide = core::kDisplayProxyLongSide);
    // Renders `light` as soon as the pool is free; replaces any request not yet started.
    void requestRender(const core::LightSettings& light);

    bool isPrepared() const { return m_relighter != nullptr; }
    bool isBusy() const { return m_busy; }
    std::shared_ptr<const core::PreviewRelighter> relighter() const { return m_relighter; }
    // The photo's screen-sized copy the relighter was prepared on (empty before the first prepare).
    const cv::Mat& proxy() const { return m_proxy; }
    int renderedFrames() const { return m_rendered; }
    int droppedRequests() const { return m_dropped; }

Q_SIGNALS:
    void prepared();
    // `requested` was started when the light of this frame was requested (for the
    // "preview frame N ms" log, which ends at the paint).
    void previewReady(const QImage& image, const QElapsedTimer& requested);
    void failed(const QString& message);

private:
    struct Source {
        cv::Mat image, mask;
        core::PreviewOptions options;
        int proxyLongSide = core::kDisplayProxyLongSide;
        cv::Mat cachedProxy;  // the proxy of `image` when an earlier prepare made it already
    };
    struct Outcome {
        std::shared_ptr<const core::PreviewRelighter> relighter;  // set by a prepare task
        cv::Mat proxy;                                            // the photo's proxy it used
        QImage frame;                                             // set by a render task
        QString error;
    };

    void pump();
    void startPrepare(Source source);  // reuses m_proxy when the photo is the same
    void startRender(const core::LightSettings& light);
    void onTaskDone();

    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<const core::PreviewRelighter> m_relighter;
    std::optional<Source> m_pendingSource;
    std::optional<core::LightSettings> m_pendingLight;
    QElapsedTimer m_pendingRequested;  // when m_pendingLight was asked for
    QElapsedTimer m_taskRequested;     // the same for the frame being rendered
    // The proxy of the photo last prepared, and which pixels and long side it was made from.
    cv::Mat m_proxy;
    const uchar* m_proxyOf = nullptr;
    cv::Size m_proxyOfSize;
    int m_proxyLongSide = 0;
    bool m_busy = false;
    bool m_taskIsPrepare = false;
    quint64 m_generation = 0;      // bumped by setSource; stale frames carry an older one
    quint64 m_taskGeneration = 0;
    int m_rendered = 0;
    int m_dropped = 0;
};

}  // namespace chiaro::gui
