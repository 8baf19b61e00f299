#pragma once
// The photo being edited, its mask and GrabCut scribbles, and the mask's undo history. Lives on the
// UI thread; GrabCut runs on a QtConcurrent thread with copies and its result comes back as one
// undo step. Photo: CV_8UC3 RGB; mask: CV_8UC1, 255 = selected; scribbles: core::ScribbleLabel.
#include <functional>
#include <optional>
#include <vector>

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QRect>
#include <QString>
#include <QUndoStack>

#include <opencv2/core.hpp>

#include "chiaro/mask/tile_delta.h"

namespace chiaro::gui {

class MaskDocument : public QObject {
    Q_OBJECT
public:
    static constexpr int kUndoLimit = 200;

    explicit MaskDocument(QObject* parent = nullptr);
    ~MaskDocument() override;

    // Replaces the photo; the mask is cleared and the history emptied.
    void setPhoto(const QImage& photo);
    // The same for pixels already decoded (CV_8UC3 RGB, shared, never written to) and, when the
    // loader built it, the canvas's pyramid of them (CanvasRenderer::buildPyramid; may be empty).
    void setPhoto(const cv::Mat& rgb, std::vector<cv::Mat> pyramid);
    const std::vector<cv::Mat>& pyramid() const { return m_pyramid; }
    bool hasPhoto() const { return !m_rgb.empty(); }
    QSize size() const { return {m_rgb.cols, m_rgb.rows}; }
    const cv::Mat& rgb() const { return m_rgb; }
    cv::Mat& mask() { return m_mask; }
    const cv::Mat& mask() const { return m_mask; }
    cv::Mat& scribbles() { return m_scribbles; }  // allocated on first use
    const cv::Mat& scribbles() const { return m_scribbles; }
    void ensureScribbles();
    void clearScribbles();
    QUndoStack* undoStack() { return &m_undo; }
    size_t undoBytes() const;  // memory held by the history

    // Records an edit the caller already made (a finished brush stroke) as one undo step.
    void pushEdit(const QString& text, core::MaskTileDelta delta);
    // Runs `edit` on the mask (it must stay inside `region`; empty = anywhere) as one undo step.
    void edit(const QString& text, const QRect& region, const std::function<void(cv::Mat&)>& edit);
    // The same for a whole-mask operation (grow, shrink, feather, invert …) run on Qt's pool on a
    // copy of the mask: at 24 MP a 50 px grow or feather takes longer than a frame. The result is
    // one undo step, reported like GrabCut (busyChanged, autoSelectFinished). False, and nothing
    // runs, while another operation is running or without a photo.
    bool editAsync(const QString& text, std::function<void(cv::Mat&)> edit);

    // Mask files: grey or RGBA (alpha) PNG. A mask of another size is scaled to the photo; the
    // returned text says so. Throw core::Error naming the file.
    QString importMask(const QString& path);
    // The same for a mask already decoded (off the UI thread) from the file `fileName`.
    QString importMask(cv::Mat loaded, const QString& fileName);
    void exportMask(const QString& path) const;
    // `<folder>/<name>_mask.png` beside a photo; imported by loadSidecarMask() when it exists.
    static QString sidecarMaskPath(const QString& photoPath);
    bool loadSidecarMask(const QString& photoPath);
    // A sidecar mask the photo loader already decoded: the starting point, not an undoable step.
    void setSidecarMask(const cv::Mat& loaded, const QString& fileName);

    // GrabCut off the UI thread. From a rectangle (image px), or from the scribbles with the current
    // selection as a prior. Ignored while one is running. Result: one undo step, then finished().
    void autoSelect(const QRect& rect);
    // One click, no rectangle: core::selectSubject finds the subject, also one cut by the frame.
    void autoSelectSubject();
    void autoSelectFromScribbles();
    bool isBusy() const { return m_poolBusy || m_externalBusy; }
    // What is running ("Select subject", "Grow 20 px"); the mask takes no edits meanwhile, since the
    // result replaces it.
    QString busyText() const { return isBusy() ? m_pendingText : QString(); }

    // A selection computed elsewhere (the engine thread's subject segmenter). beginExternalSelect()
    // marks the document busy (false: no photo, or already busy); finishExternalSelect() applies a
    // matte (CV_8UC1, the photo's size, kept soft 0..255) as one undo step, or reports `error`. A
    // photo opened in between drops the result. Both emit busyChanged / autoSelectFinished as GrabCut does.
    bool beginExternalSelect(const QString& text);
    void finishExternalSelect(const cv::Mat& matte, const QString& error);

    void notifyMaskChanged(const QRect& imageRect) { Q_EMIT maskChanged(imageRect); }

Q_SIGNALS:
    void photoChanged();
    void maskChanged(const QRect& imageRect);  // image px; repaint that area
    void busyChanged(bool busy);
    void autoSelectFinished(bool ok, const QString& message);

private:
    struct AutoResult {
        cv::Mat mask;
        QString error;
    };
    void startAutoSelect(const QString& text, std::function<cv::Mat()> work);
    void finishAutoSelect();
    void applyAutoResult(const AutoResult& result);

    cv::Mat m_rgb;
    std::vector<cv::Mat> m_pyramid;  // empty unless the loader built it for m_rgb
    cv::Mat m_mask;
    cv::Mat m_scribbles;
    QUndoStack m_undo;
    QFutureWatcher<AutoResult> m_watcher;
    QString m_pendingText;
    int m_photoGeneration = 0;
    int m_pendingGeneration = -1;
    bool m_externalBusy = false;
    // Set when a pool task starts, cleared when its result is applied: the future alone reads as
    // finished before its result is in, and a stroke painted then would be overwritten.
    bool m_poolBusy = false;
};

}  // namespace chiaro::gui
