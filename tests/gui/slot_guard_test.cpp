// Issue #20, "nothing blocks the window": a store that cannot be written, a full disk and a damaged
// file, met by real widgets. Each time the app goes on, the user is told what failed, and the
// queue works again afterwards. Thumbnails are decoded off the UI thread.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <new>
#include <set>

#include <sys/resource.h>

#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMainWindow>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>

#include "batch/batch_tab.h"
#include "gui_test_util.h"
#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "queue/queue_dock.h"
#include "queue/queue_model.h"
#include "queue/queue_runner.h"
#include "test_support.h"
#include "util/slot_guard.h"
#include "worker/engine_host.h"

using chiaro::gui::QueueModel;
using chiaro::gui::SlotErrorReporter;
using chiaro::jobs::JobState;
using chiaro::jobs::JobStore;
namespace fs = std::filesystem;

namespace {

chiaro::jobs::JobSpec spec(const std::string& input, const std::string& output) {
    chiaro::jobs::JobSpec s;
    const chiaro::core::RelightJob job;  // a named default job: GCC 12 warns about a temporary's vector
    s.params = chiaro::core::jobToJson(job);
    s.inputPath = input;
    s.outputPath = output;
    s.label = fs::path(input).filename().string();
    return s;
}

// The guard's message box shown in `widget`'s window, or nullptr.
QMessageBox* messageBox(QWidget* widget) {
    return widget->window()->findChild<QMessageBox*>("slotGuardMessage", Qt::FindDirectChildrenOnly);
}

QPushButton* buttonNamed(QWidget* parent, const QString& text) {
    for (auto* b : parent->findChildren<QPushButton*>())
        if (b->text() == text) return b;
    return nullptr;
}

// Writes to files of this process fail past `bytes` (RLIMIT_FSIZE, SIGXFSZ ignored): write()
// reports EFBIG exactly where a full disk reports ENOSPC. Restored when the scope ends.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &m_saved);
        m_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = m_saved;
        limit.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_handler);
    }

private:
    rlimit m_saved{};
    void (*m_handler)(int) = nullptr;
};

rlim_t largestFileIn(const std::string& dir) {
    rlim_t largest = 0;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file()) largest = std::max<rlim_t>(largest, entry.file_size());
    return largest;
}

}  // namespace

TEST_CASE("guarded turns each kind of exception into one message and returns false", "[gui][fault]") {
    QMainWindow window;
    window.statusBar()->showMessage("Ready");
    QSignalSpy reported(SlotErrorReporter::instance(), &SlotErrorReporter::failed);
    CHECK(chiaro::gui::guarded(&window, "do nothing", [] {}));
    CHECK(reported.isEmpty());
    CHECK_FALSE(messageBox(&window));

    CHECK_FALSE(chiaro::gui::guarded(&window, "save the mask", [] {
        throw chiaro::core::Error(chiaro::core::ErrorCode::Failure, "/tmp/x.png: the disk is full");
    }));
    REQUIRE(reported.count() == 1);
    const QString expected = "Cannot save the mask: /tmp/x.png: the disk is full";
    CHECK(reported.at(0).at(0).toString() == expected);
    QMessageBox* box = messageBox(&window);
    REQUIRE(box);
    CHECK(box->text() == expected);
    CHECK(box->isVisible());
    CHECK(box->windowModality() == Qt::NonModal);  // the window stays usable while it is open
    CHECK(window.statusBar()->currentMessage() == expected);

    // A second failure reuses the open box instead of stacking another one.
    CHECK_FALSE(chiaro::gui::guarded(&window, "load the model", [] { throw std::bad_alloc(); }));
    CHECK(window.findChildren<QMessageBox*>().size() == 1);
    CHECK(box->text() == "Cannot load the model: out of memory");
    CHECK_FALSE(chiaro::gui::guarded(&window, "read the file", [] { throw std::runtime_error("bad header"); }));
    CHECK(SlotErrorReporter::instance()->lastMessage() == "Cannot read the file: bad header");
    CHECK(reported.count() == 3);

    // The same message again at once (a timer failing every second) does not pop up again.
    CHECK_FALSE(chiaro::gui::guarded(&window, "read the file", [] { throw std::runtime_error("bad header"); }));
    CHECK(reported.count() == 3);
}

// A queue in a new `folder` with a rollback journal, so that moving the folder away makes it
// unwritable (see below).
std::unique_ptr<JobStore> openMovableStore(const std::string& folder) {
    fs::create_directories(folder);
    chiaro::jobs::StoreOptions options;
    options.journal = chiaro::jobs::JournalPolicy::Rollback;
    return JobStore::open(folder + "/queue.sqlite", options);
}

// Root ignores permission bits, so the store's folder is moved away instead: with a rollback
// journal SQLite refuses every write of a database whose file has moved (SQLITE_READONLY_DBMOVED)
// and still reads it. Nothing here opens the queue file a second time.
TEST_CASE("a queue store that cannot be written: the dock reports it and works again after", "[gui][queue][fault]") {
    chiaro::test::TempDir dir;
    const std::string folder = dir.file("queue"), moved = dir.file("queue-moved");
    QueueModel model(openMovableStore(folder));
    REQUIRE(chiaro::test::setPausedAndWait(model, true));
    const auto ids = chiaro::test::enqueueAndWait(model, {spec(dir.file("a.png"), dir.file("a_out.png")),
                                                          spec(dir.file("b.png"), dir.file("b_out.png"))});
    REQUIRE(ids.size() == 2);
    chiaro::gui::EngineHost host;
    chiaro::gui::QueueRunner runner(&model, &host, [] { return chiaro::gui::AppSettings{}; });
    chiaro::gui::QueueDock dock(&model, &runner);
    QPushButton* cancelQueued = buttonNamed(&dock, "Cancel queued");
    REQUIRE(cancelQueued);

    fs::rename(folder, moved);
    cancelQueued->click();  // posted to the store thread: the failure comes back with its answer
    REQUIRE(chiaro::test::waitForStore(model));
    QMessageBox* box = messageBox(&dock);
    REQUIRE(box);
    INFO(box->text().toStdString());
    CHECK(box->text().startsWith("Cannot cancel the queued jobs: "));
    CHECK(box->text().contains("queue.sqlite"));
    CHECK(box->text().contains("read-only"));
    // Nothing was cancelled, and the list still shows what the store holds.
    REQUIRE(model.rowCount() == 2);
    CHECK(model.job(0).state == JobState::Queued);
    CHECK(dock.etaLabel()->text().startsWith("2 queued"));

    // A drag and drop (the model's own slot, from the view's drop event) fails the same way.
    std::unique_ptr<QMimeData> mime(model.mimeData({model.index(1)}));
    CHECK_FALSE(model.dropMimeData(mime.get(), Qt::MoveAction, 0, 0, QModelIndex()));
    REQUIRE(chiaro::test::waitForStore(model));
    CHECK(SlotErrorReporter::instance()->lastMessage().startsWith("Cannot move the jobs: "));
    CHECK(model.job(0).id == ids[0]);

    // The folder is back: the same button works and the dock shows the new states.
    fs::rename(moved, folder);
    cancelQueued->click();
    REQUIRE(chiaro::test::waitForStore(model));
    CHECK(model.job(0).state == JobState::Cancelled);
    CHECK(model.job(1).state == JobState::Cancelled);
    CHECK(dock.etaLabel()->text().startsWith("0 queued"));
    buttonNamed(&dock, "Retry failed")->click();
    REQUIRE(chiaro::test::waitForStore(model));
    CHECK(model.job(0).state == JobState::Queued);
}

TEST_CASE("the runner cannot claim from an unwritable store: said once, and the job runs once it can",
          "[gui][queue][fault]") {
    chiaro::test::TempDir dir;
    const std::string folder = dir.file("queue"), moved = dir.file("queue-moved");
    QueueModel model(openMovableStore(folder));
    REQUIRE(chiaro::test::setPausedAndWait(model, true));
    // The input is missing on purpose: once claimed, the job fails at once with the file named.
    const auto ids = chiaro::test::enqueueAndWait(model, {spec(dir.file("gone.png"), dir.file("gone_out.png"))});
    REQUIRE(ids.size() == 1);
    chiaro::gui::EngineHost host;
    chiaro::gui::QueueRunner runner(&model, &host, [] { return chiaro::gui::AppSettings{}; });
    QSignalSpy reported(SlotErrorReporter::instance(), &SlotErrorReporter::failed);
    QSignalSpy finished(&runner, &chiaro::gui::QueueRunner::jobFinished);

    // Resumed, then the folder goes before the runner's claim runs: the rename is posted to the
    // store thread right after the pause write, so it runs between that write and any claim.
    model.setPaused(false);
    model.storeWorker().fireAndForget("test", [&](JobStore&) { fs::rename(folder, moved); });
    REQUIRE(reported.wait(5000));
    INFO(reported.at(0).at(0).toString().toStdString());
    CHECK(reported.at(0).at(0).toString().startsWith("Cannot start the next queued job: "));
    CHECK(reported.at(0).at(0).toString().contains("read-only"));
    CHECK_FALSE(runner.isRunning());
    // The timer tries again every second; the user is told once, not every time.
    CHECK_FALSE(reported.wait(2500));
    CHECK(model.job(0).state == JobState::Queued);

    fs::rename(moved, folder);
    REQUIRE(finished.wait(10000));
    CHECK(finished.at(0).at(0).toLongLong() == ids[0]);
    CHECK(model.job(0).state == JobState::Failed);
    CHECK(model.job(0).error.find("gone.png") != std::string::npos);
}

TEST_CASE("a full disk while adding a batch: the tab says so, and the batch goes in once there is room",
          "[gui][batch][fault]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir photos, queue;
    for (int i = 0; i < 3; ++i)
        chiaro::core::savePng(photos.file("shot" + std::to_string(i) + ".png"), cv::Mat(32, 24, CV_8UC3, cv::Scalar(90)));
    QueueModel model(JobStore::open(queue.file("queue.sqlite")));
    REQUIRE(chiaro::test::setPausedAndWait(model, true));
    chiaro::gui::BatchTab tab(&model, [] { return chiaro::core::RelightJob{}; }, [] { return QString(); });
    REQUIRE(chiaro::test::setFolderAndWait(tab, QString::fromStdString(photos.path())));
    REQUIRE(tab.table()->rowCount() == 3);
    QPushButton* add = buttonNamed(&tab, "Add to queue");
    REQUIRE(add);
    {
        // No file of the queue may grow: the new jobs' pages do not fit.
        FileSizeLimit full(largestFileIn(queue.path()));
        add->click();  // the write runs on the store thread: the limit stays until it has answered
        REQUIRE(chiaro::test::waitForStore(model));
    }
    INFO(tab.summaryLabel()->text().toStdString());
    CHECK(tab.summaryLabel()->text().startsWith("Cannot add the batch to the queue: "));
    CHECK(tab.summaryLabel()->text().contains("disk"));
    CHECK(tab.summaryLabel()->text().contains("queue.sqlite"));
    QMessageBox* box = messageBox(&tab);
    REQUIRE(box);
    CHECK(box->text() == tab.summaryLabel()->text());
    CHECK(model.rowCount() == 0);

    add->click();  // room again
    REQUIRE(chiaro::test::waitForStore(model));
    CHECK(model.rowCount() == 3);
    CHECK(tab.summaryLabel()->text().startsWith("Queued 3 job(s)"));
}

TEST_CASE("thumbnails are decoded off the UI thread, and a damaged file shows none and breaks nothing",
          "[gui][queue][fault]") {
    chiaro::test::TempDir dir;
    chiaro::core::savePng(dir.file("good.png"), cv::Mat(48, 64, CV_8UC3, cv::Scalar(20, 140, 200)));
    {
        // A PNG signature and then garbage: the reader recognises the format and fails to decode.
        std::ofstream bad(dir.file("bad.png"), std::ios::binary);
        bad << "\x89PNG\r\n\x1a\n" << std::string(200, '\x7f');
    }
    QueueModel model(JobStore::open(dir.file("queue.sqlite")));
    REQUIRE(chiaro::test::setPausedAndWait(model, true));
    REQUIRE(chiaro::test::enqueueAndWait(model, {spec(dir.file("good.png"), dir.file("good_out.png")),
                                                 spec(dir.file("bad.png"), dir.file("bad_out.png"))})
                .size() == 2);
    QSignalSpy changed(&model, &QueueModel::dataChanged);

    // data() answers from the cache at once: nothing is decoded on the UI thread.
    CHECK(model.data(model.index(0), QueueModel::ThumbnailRole).value<QImage>().isNull());
    CHECK(model.data(model.index(1), QueueModel::ThumbnailRole).value<QImage>().isNull());
    CHECK(model.data(model.index(0), QueueModel::ThumbnailRole).value<QImage>().isNull());  // one decode each
    std::set<int> rows;
    while (rows.size() < 2 && (!changed.isEmpty() || changed.wait(10000))) {
        for (const auto& signal : changed) {
            CHECK(signal.at(2).value<QList<int>>() == QList<int>{QueueModel::ThumbnailRole});
            rows.insert(signal.at(0).toModelIndex().row());
        }
        changed.clear();
    }
    REQUIRE(rows == std::set<int>{0, 1});
    const QImage thumb = model.data(model.index(0), QueueModel::ThumbnailRole).value<QImage>();
    CHECK(thumb.width() == QueueModel::kThumb);
    CHECK(thumb.height() == 42);
    CHECK(model.data(model.index(1), QueueModel::ThumbnailRole).value<QImage>().isNull());
    QCoreApplication::processEvents();
    CHECK(changed.isEmpty());  // the damaged file is not decoded again and again

    // The model goes on working with the damaged row in it.
    CHECK(chiaro::test::replyOf<int>([&](auto done) { model.cancelQueued({model.job(1).id}, done); }) == 1);
    CHECK(model.job(1).state == JobState::Cancelled);
    CHECK(model.data(model.index(1), Qt::ToolTipRole).toString().contains("bad.png"));
}

TEST_CASE("the batch tab's Scan button lists the folder off the UI thread, busy until it is done", "[gui][batch]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir photos, queue;
    for (int i = 0; i < 4; ++i)
        chiaro::core::savePng(photos.file("p" + std::to_string(i) + ".png"), cv::Mat(16, 16, CV_8UC3, cv::Scalar(50)));
    QueueModel model(JobStore::open(queue.file("queue.sqlite")));
    chiaro::gui::BatchTab tab(&model, [] { return chiaro::core::RelightJob{}; }, [] { return QString(); });
    QLineEdit* input = nullptr;
    for (auto* edit : tab.findChildren<QLineEdit*>())
        if (edit->placeholderText().startsWith("a folder of photos")) input = edit;
    REQUIRE(input);
    input->setText(QString::fromStdString(photos.path()));
    QSignalSpy scanned(&tab, &chiaro::gui::BatchTab::scanned);
    QPushButton* scan = buttonNamed(&tab, "Scan");
    QPushButton* add = buttonNamed(&tab, "Add to queue");
    REQUIRE(scan);
    REQUIRE(add);
    scan->click();
    // The click returned before the folder was read: the tab is busy and the table still empty.
    CHECK(tab.isScanning());
    CHECK(tab.table()->rowCount() == 0);
    CHECK(tab.summaryLabel()->text().startsWith("Scanning "));
    CHECK_FALSE(add->isEnabled());
    CHECK_FALSE(scan->isEnabled());
    REQUIRE(scanned.wait(10000));
    CHECK(scanned.at(0).at(0).toInt() == 4);
    CHECK(tab.table()->rowCount() == 4);
    CHECK(add->isEnabled());
    CHECK(scan->isEnabled());
    CHECK(tab.summaryLabel()->text().startsWith("4 photo(s)"));

    // A missing folder: said in the summary, nothing listed, and the tab is usable again.
    input->setText(QString::fromStdString(photos.file("missing")));
    scan->click();
    REQUIRE(scanned.wait(10000));
    CHECK(tab.table()->rowCount() == 0);
    CHECK(tab.summaryLabel()->text().contains("missing"));
    CHECK(scan->isEnabled());
}
