#include "batch/batch_tab.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "batch/batch_jobs.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/jobs/contact_sheet.h"
#include "panels/output_size_box.h"
#include "queue/queue_delegate.h"
#include "queue/queue_model.h"
#include "settings/app_settings.h"
#include "util/slot_guard.h"

namespace chiaro::gui {
namespace {

QPushButton* browseButton(QWidget* parent, QLineEdit* target, bool folder) {
    auto* button = new QPushButton(QObject::tr("Choose…"), parent);
    QObject::connect(button, &QPushButton::clicked, parent, [parent, target, folder] {
        const QString path = folder ? QFileDialog::getExistingDirectory(parent, QString(), target->text())
                                    : QFileDialog::getOpenFileName(parent, QString(), target->text());
        if (!path.isEmpty()) target->setText(path);
    });
    return button;
}

struct ScanResult {
    std::vector<std::string> photos;
    QString error;  // the folder is missing or unreadable
};

// Runs on Qt's pool (startScan): only the file system, no widgets. Never throws.
ScanResult scanFolder(const std::string& input, bool recursive, const std::vector<std::string>& extensions,
                      const std::string& output) {
    ScanResult result;
    try {
        result.photos = core::scanInputFolder(input, recursive, extensions, output);
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

QWidget* row(QWidget* parent, std::initializer_list<QWidget*> widgets) {
    auto* box = new QWidget(parent);
    auto* layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    bool first = true;
    for (QWidget* w : widgets) {
        layout->addWidget(w, first ? 1 : 0);
        first = false;
    }
    return box;
}

}  // namespace

BatchTab::BatchTab(QueueModel* queue, std::function<core::RelightJob()> studioJob,
                   std::function<QString()> bundleDir, QWidget* parent)
    : QWidget(parent), m_queue(queue), m_studioJob(std::move(studioJob)), m_bundleDir(std::move(bundleDir)) {
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    top->addWidget(buildFolders(), 3);
    top->addWidget(buildOptions(), 2);
    layout->addLayout(top);

    m_table = new QTableWidget(0, 3, this);
    m_table->setHorizontalHeaderLabels({tr("Photo"), tr("Light override (az,el)"), tr("Prompt override")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_table->verticalHeader()->setVisible(false);
    m_table->setToolTip(tr("Untick a photo to leave it out; an override replaces the studio's light or prompt "
                           "for that photo only"));
    layout->addWidget(m_table, 1);

    auto* bottom = new QHBoxLayout;
    m_summary = new QLabel(tr("Pick or drop a folder of photos"), this);
    m_summary->setWordWrap(true);
    auto* add = m_addButton = new QPushButton(tr("Add to queue"), this);
    add->setDefault(true);
    add->setMinimumHeight(32);
    add->setToolTip(tr("Plan one job per photo (and sweep direction) with the studio's current light and "
                       "prompt, and queue them"));
    bottom->addWidget(m_summary, 1);
    bottom->addWidget(add);
    layout->addLayout(bottom);
    connect(add, &QPushButton::clicked, this, [this] { addToQueue(); });
    connect(m_queue, &QueueModel::modelReset, this, &BatchTab::updateBatchSummary);
}

QWidget* BatchTab::buildFolders() {
    auto* box = new QGroupBox(tr("Folders"), this);
    auto* form = new QFormLayout(box);
    m_input = new QLineEdit(box);
    m_input->setPlaceholderText(tr("a folder of photos (or drop one on the window)"));
    auto* rescan = m_scanButton = new QPushButton(tr("Scan"), box);
    form->addRow(tr("Input"), row(box, {m_input, browseButton(box, m_input, true), rescan}));
    m_recursive = new QCheckBox(tr("Include sub-folders"), box);
    m_filter = new QLineEdit(QStringLiteral("*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff"), box);
    m_filter->setToolTip(tr("File name patterns of the photos to take, by extension"));
    form->addRow(QString(), m_recursive);
    form->addRow(tr("Filter"), m_filter);
    m_output = new QLineEdit(box);
    m_output->setPlaceholderText(tr("default: <input>/relit"));
    form->addRow(tr("Output"), row(box, {m_output, browseButton(box, m_output, true)}));
    m_pattern = new QLineEdit(QStringLiteral("{name}_{light}_{seed}.png"), box);
    m_pattern->setToolTip(tr("{name} path below the input folder, {stem} file name, {light} az270_el20, {seed}, "
                             "{index}, {date}"));
    form->addRow(tr("Naming"), m_pattern);
    connect(rescan, &QPushButton::clicked, this, &BatchTab::startScan);
    connect(m_input, &QLineEdit::editingFinished, this, &BatchTab::startScan);
    connect(m_recursive, &QCheckBox::toggled, this, &BatchTab::startScan);
    return box;
}

QWidget* BatchTab::buildOptions() {
    auto* box = new QGroupBox(tr("Options (light and prompt: the studio's current settings)"), this);
    auto* form = new QFormLayout(box);
    m_maskSource = new QComboBox(box);
    m_maskSource->addItem(tr("Matching *_mask.png"), "match");
    m_maskSource->addItem(tr("Automatic (GrabCut)"), "grabcut");
    m_maskSource->addItem(tr("Automatic (AI segmenter, else GrabCut)"), "auto");
    m_maskSource->setItemData(m_maskSource->count() - 1,
                              tr("The model bundle's segmenter.pt selects each subject when the bundle has one "
                                 "(models/export.py --segmenter); otherwise GrabCut"),
                              Qt::ToolTipRole);
    m_maskSource->addItem(tr("One mask for all"), "single");
    m_maskSource->addItem(tr("None (whole photo)"), "none");
    form->addRow(tr("Mask"), m_maskSource);
    m_singleMask = new QLineEdit(box);
    m_singleMask->setPlaceholderText(tr("mask file for \"one mask for all\""));
    form->addRow(QString(), row(box, {m_singleMask, browseButton(box, m_singleMask, false)}));
    m_sweep = new QSpinBox(box);
    m_sweep->setRange(0, 16);
    m_sweep->setSpecialValueText(tr("off (studio light)"));
    m_sweep->setToolTip(tr("Relight every photo from N directions around it at the studio's elevation"));
    form->addRow(tr("Light sweep"), m_sweep);
    m_outputSize = new OutputSizeBox(box);
    m_outputSize->setToolTip(tr("How big each result comes back (the crop follows the studio's choice)"));
    form->addRow(tr("Output size"), m_outputSize);
    {
        QSettings settings;
        m_outputSize->setOutputSize(OutputChoice::load(settings, QStringLiteral("batch")).outputSize());
    }
    connect(m_outputSize, &OutputSizeBox::changed, this, [this] {
        QSettings settings;
        OutputChoice choice = OutputChoice::load(settings, QStringLiteral("batch"));
        choice.size = QString::fromStdString(core::outputSizeName(m_outputSize->outputSize()));
        choice.save(settings, QStringLiteral("batch"));
    });
    m_skipExisting = new QCheckBox(tr("Skip photos whose output exists"), box);
    m_skipExisting->setChecked(true);
    m_contactSheet = new QCheckBox(tr("Contact sheet at the end"), box);
    m_contactSheet->setChecked(true);
    form->addRow(m_skipExisting);
    form->addRow(m_contactSheet);
    return box;
}

void BatchTab::setInputFolder(const QString& folder) {
    m_input->setText(folder);
    startScan();  // a dropped folder of thousands of shots on a network disk must not hold the window
}

void BatchTab::setOutputFolder(const QString& folder) { m_output->setText(folder); }

std::vector<std::string> BatchTab::extensions() const {
    std::vector<std::string> result;
    for (QString pattern : m_filter->text().split(' ', Qt::SkipEmptyParts)) {
        pattern.remove('*');
        if (!pattern.startsWith('.')) pattern.prepend('.');
        result.push_back(pattern.toLower().toStdString());
    }
    return result;
}

void BatchTab::startScan() {
    const quint64 generation = ++m_scanGeneration;
    const QString input = m_input->text().trimmed();
    if (input.isEmpty()) {
        setScanning(false);
        showPhotos(input, {}, {});
        return;
    }
    m_table->setRowCount(0);
    setScanning(true);
    m_summary->setText(tr("Scanning %1…").arg(input));
    auto* watcher = new QFutureWatcher<ScanResult>(this);
    connect(watcher, &QFutureWatcher<ScanResult>::finished, this, [this, watcher, generation, input] {
        watcher->deleteLater();
        if (generation != m_scanGeneration) return;  // a newer scan replaced it
        const ScanResult result = watcher->result();
        setScanning(false);
        showPhotos(input, result.photos, result.error);
        Q_EMIT scanned(static_cast<int>(result.photos.size()));
    });
    watcher->setFuture(QtConcurrent::run(scanFolder, input.toStdString(), m_recursive->isChecked(), extensions(),
                                         m_output->text().trimmed().toStdString()));
}

void BatchTab::setScanning(bool scanning) {
    m_scanning = scanning;
    // "Add to queue" plans from the table: not while it is being refilled.
    m_addButton->setEnabled(!scanning && !m_adding);
    m_scanButton->setEnabled(!scanning);
}

void BatchTab::showPhotos(const QString& input, const std::vector<std::string>& photos, const QString& error) {
    m_table->setRowCount(0);
    if (input.isEmpty()) return;
    if (!error.isEmpty()) {
        m_summary->setText(error);
        return;
    }
    const QDir base(input);
    for (const std::string& path : photos) {
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        auto* item = new QTableWidgetItem(base.relativeFilePath(QString::fromStdString(path)));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(Qt::Checked);
        item->setData(Qt::UserRole, QString::fromStdString(path));
        m_table->setItem(r, 0, item);
        m_table->setItem(r, 1, new QTableWidgetItem);
        m_table->setItem(r, 2, new QTableWidgetItem);
    }
    m_summary->setText(tr("%n photo(s) in %1", nullptr, static_cast<int>(photos.size())).arg(input));
}

QString BatchTab::contactSheetPath() const {
    return QDir(m_output->text().isEmpty() ? m_input->text() + "/relit" : m_output->text())
        .filePath(QStringLiteral("contact_sheet_%1.png").arg(QString::fromStdString(m_batchId)));
}

bool BatchTab::addToQueue() {
    if (m_adding) return false;  // the button is disabled meanwhile; a second plan would queue twice
    BatchRequest request;
    request.options.inputDir = m_input->text().trimmed().toStdString();
    request.options.outputDir = m_output->text().trimmed().isEmpty() ? request.options.inputDir + "/relit"
                                                                     : m_output->text().trimmed().toStdString();
    request.options.recursive = m_recursive->isChecked();
    request.options.extensions = extensions();
    request.options.namePattern = m_pattern->text().toStdString();
    request.options.maskSource = core::parseBatchMaskSource(m_maskSource->currentData().toString().toStdString());
    request.options.singleMaskPath = m_singleMask->text().trimmed().toStdString();
    request.options.skipExisting = m_skipExisting->isChecked();
    request.sweep = m_sweep->value();
    request.job = m_studioJob();
    request.job.outputSize = m_outputSize->outputSize();
    request.bitDepth = request.job.outputBitDepth;  // the app's setting; 0 = each photo's own
    request.bundleDir = m_bundleDir().toStdString();
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const std::string path = m_table->item(r, 0)->data(Qt::UserRole).toString().toStdString();
        BatchOverride& o = request.overrides[path];
        o.include = m_table->item(r, 0)->checkState() == Qt::Checked;
        o.light = m_table->item(r, 1)->text().trimmed().toStdString();
        o.prompt = m_table->item(r, 2)->text().trimmed().toStdString();
    }
    BatchJobs jobs;
    try {
        if (request.options.inputDir.empty()) throw std::runtime_error("choose an input folder first");
        jobs = buildBatchJobs(request);
    } catch (const std::exception& e) {
        m_summary->setText(tr("Cannot plan the batch: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    if (jobs.specs.empty()) {
        m_summary->setText(tr("Nothing to do: %1 photo(s) skipped (output exists), %2 excluded")
                               .arg(jobs.skipped).arg(jobs.excluded));
        return false;
    }
    // The store write (a full disk, a read-only queue folder, a lock held by a CLI runner) runs on
    // the store thread; a failure is reported in a message and here, and the table and the choices
    // stay as they are, so "Add to queue" can simply be pressed again.
    const std::string previousBatch = m_batchId;
    const bool previousSheet = m_sheetWritten;
    m_batchId = jobs.specs.front().batchId;  // before the rows arrive: their reset updates the summary
    m_sheetWritten = false;
    m_adding = true;
    m_addButton->setEnabled(false);
    m_summary->setText(tr("Adding %n job(s) to the queue…", nullptr, static_cast<int>(jobs.specs.size())));
    const int skipped = jobs.skipped, excluded = jobs.excluded;
    QPointer<BatchTab> self(this);  // the tab may be gone when the store answers
    m_queue->enqueueAll(jobs.specs, [self, previousBatch, previousSheet, skipped, excluded](
                                     bool ok, const std::vector<int64_t>& ids) {
        if (!self) return;
        self->m_adding = false;
        self->m_addButton->setEnabled(!self->m_scanning);
        if (!ok) {
            self->m_batchId = previousBatch;
            self->m_sheetWritten = previousSheet;
            self->m_summary->setText(SlotErrorReporter::instance()->lastMessage());
            Q_EMIT self->added(0);
            return;
        }
        self->m_summary->setText(tr("Queued %1 job(s); %2 skipped (output exists), %3 excluded")
                                     .arg(ids.size()).arg(skipped).arg(excluded));
        Q_EMIT self->added(static_cast<int>(ids.size()));
    }, tr("add the batch to the queue"), this);
    return true;
}

void BatchTab::updateBatchSummary() {
    if (m_batchId.empty()) return;
    int done = 0, failed = 0, open = 0;
    int64_t first = 0, last = 0;
    QStringList reasons;
    std::vector<core::ContactSheetEntry> sheet;
    for (int r = 0; r < m_queue->rowCount(); ++r) {
        const jobs::StoredJob& job = m_queue->job(r);
        if (job.spec.batchId != m_batchId) continue;
        switch (job.state) {
            case jobs::JobState::Done:
                ++done;
                sheet.push_back({job.spec.outputPath, job.spec.label});
                break;
            case jobs::JobState::Failed:
                ++failed;
                reasons << QString::fromStdString(job.spec.label + ": " + job.error);
                break;
            case jobs::JobState::Cancelled: break;
            default: ++open;
        }
        if (job.createdAt && (!first || job.createdAt < first)) first = job.createdAt;
        last = std::max(last, job.finishedAt);
    }
    if (open > 0) return;
    QString text = tr("Batch finished: %1 done, %2 failed in %3").arg(done).arg(failed)
                       .arg(formatDuration(last > first ? (last - first) / 1000.0 : 0));
    if (!reasons.isEmpty()) text += "\n" + reasons.mid(0, 5).join("\n");
    if (m_contactSheet->isChecked() && !sheet.empty() && !m_sheetWritten) {
        try {
            core::savePng(contactSheetPath().toStdString(), core::makeContactSheet(sheet));
            text += tr("\nContact sheet: %1").arg(contactSheetPath());
        } catch (const std::exception& e) {
            text += tr("\nNo contact sheet: %1").arg(QString::fromStdString(e.what()));
        }
        m_sheetWritten = true;
    }
    m_summary->setText(text);
}

}  // namespace chiaro::gui
