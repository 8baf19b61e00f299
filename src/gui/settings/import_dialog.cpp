#include "settings/import_dialog.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "settings/import_runner.h"
#include "settings/lora_list.h"

namespace chiaro::gui {
namespace {

// The first local file or folder of a drag, or an empty string.
QString localPath(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls()) {
        if (url.isLocalFile()) return url.toLocalFile();
    }
    return {};
}

bool isIcLightFile(const QString& path) {
    try {
        core::iclightVariant(path.toStdString());
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

ImportDialog::ImportDialog(const QString& outDir, QWidget* parent)
    : QDialog(parent), m_runner(new ImportRunner(this)) {
    setWindowTitle(tr("Import models"));
    setAcceptDrops(true);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Chiaro converts a Stable Diffusion 1.5 model and IC-Light's weights into its own "
                                "bundles once (a few minutes at full size). Drop files or folders here, or browse."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_form = new QWidget(this);
    auto* form = new QFormLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_form);
    addPathRow(Field::Base, tr("Base model"), tr("diffusers folder or .safetensors checkpoint"), true, true);
    addPathRow(Field::IcLight, tr("IC-Light"), tr("iclight_sd15_fc.safetensors (or fbc)"), false, true);
    addPathRow(Field::IcLight2, tr("Second IC-Light"), tr("optional: the fbc file, for Match background"), false, true);
    addPathRow(Field::Segmenter, tr("Segmenter"), tr("optional: BriaRMBG-1.4 or BiRefNet model.safetensors"), false, true);
    addPathRow(Field::Vae, tr("VAE"), tr("optional: a replacement VAE"), false, true);
    addPathRow(Field::Vocab, tr("Vocabulary"), tr("optional: CLIP vocabulary (default: the base's tokenizer)"), false, true);
    m_loras = new LoraList(m_form);
    form->addRow(tr("LoRAs"), m_loras);
    addPathRow(Field::Out, tr("Save bundles in"), outDir, true, false)->setText(outDir);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_status = new QLabel(tr("Ready"), this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_error = new QLabel(this);
    m_error->setObjectName("importError");
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet("QLabel { background: #5a2323; color: #f6dada; padding: 6px; border-radius: 3px; }");
    m_error->setVisible(false);
    layout->addWidget(m_error);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    m_import = new QPushButton(tr("Import"), this);
    m_import->setDefault(true);
    m_cancel = new QPushButton(tr("Close"), this);
    buttons->addWidget(m_import);
    buttons->addWidget(m_cancel);
    layout->addLayout(buttons);
    connect(m_import, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(m_cancel, &QPushButton::clicked, this, &ImportDialog::reject);
    connect(m_runner, &ImportRunner::progressed, this, [this](double fraction, const QString& message) {
        m_progress->setValue(static_cast<int>(fraction * 100 + 0.5));
        m_status->setText(message);
    });
    connect(m_runner, &ImportRunner::finished, this, &ImportDialog::onFinished);
    resize(640, sizeHint().height());
}

ImportDialog::~ImportDialog() = default;

QLineEdit* ImportDialog::addPathRow(Field which, const QString& label, const QString& placeholder, bool folder,
                                    bool file) {
    auto* edit = new QLineEdit(m_form);
    edit->setPlaceholderText(placeholder);
    edit->installEventFilter(this);  // drops set the path instead of inserting a URL's text
    // One Browse… button per row (so the fields line up); the base takes a folder or a file.
    auto* button = new QPushButton(tr("Browse…"), m_form);
    if (folder && file) {
        auto* menu = new QMenu(button);
        menu->addAction(tr("Diffusers folder…"), this, [this, which] { browse(which, true); });
        menu->addAction(tr("Checkpoint file (.safetensors)…"), this, [this, which] { browse(which, false); });
        button->setMenu(menu);
    } else {
        connect(button, &QPushButton::clicked, this, [this, which, folder] { browse(which, folder); });
    }
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(button);
    static_cast<QFormLayout*>(m_form->layout())->addRow(label, row);
    m_fields[static_cast<int>(which)] = edit;
    return edit;
}

QLineEdit* ImportDialog::field(Field which) const {
    return which == Field::Lora ? nullptr : m_fields[static_cast<int>(which)];
}
QString ImportDialog::statusText() const { return m_status->text(); }
QString ImportDialog::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }
bool ImportDialog::isRunning() const { return m_runner->isRunning(); }

void ImportDialog::browse(Field which, bool folder) {
    const QString current = field(which)->text();
    const QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Choose a folder"), current)
                                : QFileDialog::getOpenFileName(this, tr("Choose a file"), current,
                                                               tr("Safetensors (*.safetensors);;All files (*)"));
    if (!path.isEmpty()) field(which)->setText(path);
}

core::ImportRequest ImportDialog::request() const {
    auto text = [this](Field f) { return field(f)->text().trimmed().toStdString(); };
    core::ImportRequest r;
    r.base = text(Field::Base);
    for (Field f : {Field::IcLight, Field::IcLight2}) {
        if (!text(f).empty()) r.iclight.push_back(text(f));
    }
    r.segmenter = text(Field::Segmenter);
    r.vae = text(Field::Vae);
    r.vocab = text(Field::Vocab);
    r.outDir = text(Field::Out);
    r.loras = m_loras->loras();
    return r;
}

ImportDialog::Field ImportDialog::routeDroppedPath(const QString& path) {
    const QFileInfo info(path);
    Field target = Field::Segmenter;
    if (info.isDir()) {
        target = QFileInfo(path + "/model_index.json").isFile() || field(Field::Base)->text().isEmpty()
                     ? Field::Base : Field::Out;
    } else if (core::isLoraFile(path.toStdString())) {
        m_loras->addLora(path);
        return Field::Lora;
    } else if (isIcLightFile(path)) {
        target = field(Field::IcLight)->text().isEmpty() ? Field::IcLight : Field::IcLight2;
    } else if (field(Field::Base)->text().isEmpty()) {
        target = Field::Base;
    }
    field(target)->setText(path);
    return target;
}

void ImportDialog::startImport() {
    if (m_runner->isRunning()) return;
    m_error->setVisible(false);
    m_progress->setValue(0);
    QString error;
    if (!m_runner->start(request(), &error)) return showError(error);
    setRunning(true);
}

void ImportDialog::setRunning(bool running) {
    m_form->setEnabled(!running);
    m_import->setEnabled(!running);
    m_cancel->setText(running ? tr("Cancel") : tr("Close"));
    setAcceptDrops(!running);
}

void ImportDialog::showError(const QString& message) {
    m_error->setText(tr("Import failed: %1").arg(message));
    m_error->setVisible(true);
    m_status->setText(tr("Nothing was changed."));
}

void ImportDialog::onFinished(bool ok, bool cancelled, const QString& message, const QString& outDir) {
    setRunning(false);
    if (ok) {
        m_progress->setValue(100);
        m_status->setText(message);
        Q_EMIT imported(outDir);
        accept();
        return;
    }
    m_progress->setValue(0);
    if (cancelled) m_status->setText(message);
    else showError(message);
}

void ImportDialog::reject() {
    if (m_runner->isVerifying()) return;  // seconds; the result must land before the dialog goes
    if (m_runner->isRunning()) return m_runner->cancel();
    QDialog::reject();
}

void ImportDialog::dragEnterEvent(QDragEnterEvent* event) {
    if (!localPath(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void ImportDialog::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) routeDroppedPath(url.toLocalFile());
    }
    event->acceptProposedAction();
}

bool ImportDialog::eventFilter(QObject* watched, QEvent* event) {
    auto* edit = qobject_cast<QLineEdit*>(watched);
    const bool drag = event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove;
    if (!edit || (!drag && event->type() != QEvent::Drop)) {
        return QDialog::eventFilter(watched, event);
    }
    auto* drop = static_cast<QDropEvent*>(event);
    const QString path = localPath(drop->mimeData());
    if (path.isEmpty()) return false;
    if (event->type() == QEvent::Drop) edit->setText(path);
    drop->acceptProposedAction();
    return true;
}

}  // namespace chiaro::gui
