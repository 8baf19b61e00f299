#pragma once
// The results of the current photo, newest last, as a horizontal strip of thumbnails. Click shows a
// result; double-click asks to restore its parameters into the panels.
#include <vector>

#include <QListWidget>

#include "worker/engine_request.h"

namespace chiaro::gui {

struct HistoryEntry {
    RelightResultPtr result;  // image, job JSON and infotext as the engine returned them
    QImage image;             // result->image as a QImage (kept for painting)
    QString savedPath;        // where auto-save / Save put it, if anywhere
};

class HistoryStrip : public QListWidget {
    Q_OBJECT
public:
    explicit HistoryStrip(QWidget* parent = nullptr);

    int add(const HistoryEntry& entry);  // returns its index and selects it
    void clearEntries();
    int count() const { return static_cast<int>(m_entries.size()); }
    const HistoryEntry& entry(int index) const { return m_entries.at(static_cast<size_t>(index)); }
    void setSavedPath(int index, const QString& path);
    int currentEntry() const { return currentRow(); }

    // A one-line summary of a job's parameters ("seed 7 · az 90° el 0° · 25 steps"). Public for tests.
    static QString summary(const nlohmann::json& job);

Q_SIGNALS:
    void entryActivated(int index);
    void restoreRequested(int index);

private:
    std::vector<HistoryEntry> m_entries;
};

}  // namespace chiaro::gui
