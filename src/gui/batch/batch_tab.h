#pragma once
// The Batch tab: a folder of photos relit with one setup. Input folder (picked, typed or dropped;
// recursive; file filter), output folder and naming pattern, mask source, the studio's current light
// and prompt (a snapshot taken when the batch is queued), a light sweep, skip-existing, a per-image
// table (include, light override "az,el", prompt override), the output size (each photo's own by
// default; remembered), and "Add to queue", which plans the batch
// with core::planBatch and writes the jobs to the queue store. When every job of the batch has
// finished, a summary (done, failed, time) is shown and, if asked, a contact sheet is written.
#include <functional>
#include <string>

#include <QWidget>

#include "chiaro/pipeline/relight_job.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace chiaro::gui {

class OutputSizeBox;
class QueueModel;

class BatchTab : public QWidget {
    Q_OBJECT
public:
    // `studioJob` returns the studio's current parameters (light, prompt, sampling; no pixels);
    // `bundleDir` the model folder the jobs will use.
    BatchTab(QueueModel* queue, std::function<core::RelightJob()> studioJob, std::function<QString()> bundleDir,
             QWidget* parent = nullptr);

    // Sets the input folder (a drop on the window, or the picker) and lists its photos.
    void setInputFolder(const QString& folder);
    void setOutputFolder(const QString& folder);
    // Lists the photos of the input folder in the override table (keeps no overrides), scanned on
    // Qt's thread pool (the Scan button, editing the folder, the sub-folder box, setInputFolder): a
    // big or slow (network) folder never blocks the window. Busy until `scanned`: the summary says
    // "Scanning…" and Scan and "Add to queue" are disabled. A newer scan replaces a running one.
    void startScan();
    bool isScanning() const { return m_scanning; }
    // Plans the batch and posts its jobs to the queue's store thread. False (with the reason in the
    // summary) when nothing was planned or an add is still running; else true at once, and `added`
    // follows once the store has answered.
    bool addToQueue();

    QTableWidget* table() const { return m_table; }
    QLabel* summaryLabel() const { return m_summary; }
    QSpinBox* sweepSpin() const { return m_sweep; }
    QCheckBox* contactSheetBox() const { return m_contactSheet; }
    OutputSizeBox* outputSizeBox() const { return m_outputSize; }
    QString contactSheetPath() const;

Q_SIGNALS:
    void scanned(int photos);  // a startScan() finished and the table lists its photos
    // An addToQueue() was answered: the jobs queued, 0 when the store write failed (the reason is
    // in the summary and was reported as "Cannot add the batch to the queue").
    void added(int jobs);

private:
    QWidget* buildFolders();
    QWidget* buildOptions();
    std::vector<std::string> extensions() const;
    void updateBatchSummary();
    void showPhotos(const QString& input, const std::vector<std::string>& photos, const QString& error);
    void setScanning(bool scanning);

    QueueModel* m_queue;
    std::function<core::RelightJob()> m_studioJob;
    std::function<QString()> m_bundleDir;
    QLineEdit* m_input = nullptr;
    QCheckBox* m_recursive = nullptr;
    QLineEdit* m_filter = nullptr;
    QLineEdit* m_output = nullptr;
    QLineEdit* m_pattern = nullptr;
    QComboBox* m_maskSource = nullptr;
    QLineEdit* m_singleMask = nullptr;
    QSpinBox* m_sweep = nullptr;
    QCheckBox* m_skipExisting = nullptr;
    QCheckBox* m_contactSheet = nullptr;
    OutputSizeBox* m_outputSize = nullptr;  // remembered in QSettings under "batch/"
    QTableWidget* m_table = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_scanButton = nullptr;
    QPushButton* m_addButton = nullptr;
    quint64 m_scanGeneration = 0;  // the latest scan; older results are dropped
    bool m_scanning = false;
    bool m_adding = false;   // an enqueue is posted and not answered yet
    std::string m_batchId;   // the last batch queued from this tab
    bool m_sheetWritten = false;
};

}  // namespace chiaro::gui
