#pragma once
// One-click subject selection with the model bundle's segmenter.pt (issue #6). The segmenter runs on
// the engine thread (EngineHost owns the models; nothing here blocks the UI thread); its matte comes
// back as one undo step of the MaskDocument, kept soft (0..255) like an imported mask. Whether the
// bundle has a segmenter is read from its manifest when the settings change, not on every click.
#include <QObject>
#include <QString>

#include "chiaro/pipeline/engine.h"

namespace chiaro::gui {

class EngineHost;
class MaskDocument;

class SubjectSelector : public QObject {
    Q_OBJECT
public:
    SubjectSelector(MaskDocument* document, QObject* parent = nullptr);

    // The engine thread to run on (the studio's; not owned). Without one, nothing is available.
    void setEngineHost(EngineHost* host);
    // The configured bundle and device; re-checks whether the bundle has a segmenter.
    void setBundle(const QString& bundleDir, const core::EngineOptions& options);
    bool isAvailable() const { return m_host && m_hasSegmenter; }
    QString bundleDir() const { return m_bundleDir; }

    // Starts a selection of the document's photo; false (and nothing happens) when unavailable, when
    // there is no photo or while another selection runs. Ends in MaskDocument::autoSelectFinished.
    bool selectSubject();
    bool isRunning() const { return m_pending != 0; }

Q_SIGNALS:
    void availabilityChanged(bool available);

private:
    void onSegmented(quint64 id, const QImage& matte);
    void onFailed(quint64 id, const QString& message);

    MaskDocument* m_document;
    EngineHost* m_host = nullptr;
    QString m_bundleDir;
    core::EngineOptions m_options;
    bool m_hasSegmenter = false;
    quint64 m_pending = 0;  // engine request id of the running selection; 0 = none
};

}  // namespace chiaro::gui
