// Settings › Import…: the real dialog runs the real exporter (QProcess) on the parity kit's tiny
// diffusers model, offscreen. Checks progress, the pairing the studio then uses for "Match
// background", cancel, the error in plain words, drag and drop, and the first-run notice.
#include <catch2/catch.hpp>

#include <QApplication>
#include <QDeadlineTimer>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QUrl>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "../core/bundle/synthetic_bundle.h"
#include "chiaro/core/atomic_file.h"
#include "settings/import_dialog.h"
#include "settings/lora_list.h"
#include "settings/settings_dialog.h"
#include "studio/studio.h"
#include "test_support.h"

using chiaro::gui::ImportDialog;
using Field = chiaro::gui::ImportDialog::Field;
namespace fs = std::filesystem;

namespace {

QString parity(const char* name) { return QString::fromStdString(chiaro::test::sharedDir() + "/parity/") + name; }

// Processes events until `done` or the timeout; false on timeout (QTRY_VERIFY's loop).
bool waitFor(const std::function<bool()>& done, int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) return false;
        QTest::qWait(50);
    }
    return true;
}

// Saves a screenshot when CHIARO_SCREENSHOT_DIR is set (for the README and reviews).
void screenshot(QWidget& widget, const char* name) {
    const QString dir = qEnvironmentVariable("CHIARO_SCREENSHOT_DIR");
    if (!dir.isEmpty()) widget.grab().save(dir + "/" + name);
}

std::vector<std::string> hiddenEntries(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().filename().string().rfind('.', 0) == 0) names.push_back(e.path().filename().string());
    }
    return names;
}

// A float32 kohya LoRA for tiny_sd's first proj_in (8 -> 8, rank 2), every value 0.01.
std::string writeLora(const std::string& path) {
    const std::string layer = "lora_unet_down_blocks_0_attentions_0_proj_in";
    const nlohmann::json header = {
        {layer + ".lora_down.weight", {{"dtype", "F32"}, {"shape", {2, 8}}, {"data_offsets", {0, 64}}}},
        {layer + ".lora_up.weight", {{"dtype", "F32"}, {"shape", {8, 2}}, {"data_offsets", {64, 128}}}}};
    std::string head = header.dump();
    head.append((8 - head.size() % 8) % 8, ' ');
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char((uint64_t(head.size()) >> (8 * i)) & 0xff);
    bytes += head;
    const float value = 0.01f;
    for (int i = 0; i < 32; ++i) bytes.append(reinterpret_cast<const char*>(&value), 4);
    chiaro::core::writeFileAtomic(path, bytes);
    return path;
}

}  // namespace

TEST_CASE("the import dialog's LoRA list feeds the import request", "[gui][import][lora]") {
    chiaro::test::TempDir dir;
    const QString lora = QString::fromStdString(writeLora(dir.file("style.safetensors")));
    ImportDialog dialog(QString::fromStdString(dir.file("models")));
    chiaro::gui::LoraList* list = dialog.loraList();
    REQUIRE(list != nullptr);
    CHECK(dialog.request().loras.empty());
    // A dropped LoRA lands in the list, not in the segmenter field.
    CHECK(dialog.routeDroppedPath(lora) == Field::Lora);
    CHECK(dialog.field(Field::Segmenter)->text().isEmpty());
    REQUIRE(list->count() == 1);
    QDoubleSpinBox* spin = list->strengthSpin(0);
    CHECK(spin->value() == 1.0);
    CHECK(spin->minimum() == -2.0);
    CHECK(spin->maximum() == 2.0);
    spin->setValue(3.0);  // clamped to the exporter's range
    CHECK(spin->value() == 2.0);
    spin->setValue(0.5);
    list->addLora(lora, -0.25);
    auto loras = dialog.request().loras;
    REQUIRE(loras.size() == 2);
    CHECK(loras[0].path == lora.toStdString());
    CHECK(loras[0].strength == 0.5);
    CHECK(loras[1].strength == -0.25);
    list->table()->selectRow(1);
    CHECK(list->removeButton()->isEnabled());
    QTest::mouseClick(list->removeButton(), Qt::LeftButton);
    REQUIRE(list->count() == 1);

    // The same request runs the exporter: the bundle records the LoRA at its strength.
    dialog.field(Field::Base)->setText(parity("tiny_sd"));
    dialog.field(Field::IcLight)->setText(parity("iclight_fc_offset.safetensors"));
    QSignalSpy imported(&dialog, &ImportDialog::imported);
    dialog.startImport();
    REQUIRE(waitFor([&] { return !imported.isEmpty() || !dialog.errorText().isEmpty(); }, 240000));
    INFO(dialog.errorText().toStdString());
    REQUIRE(dialog.errorText().isEmpty());
    const auto manifest =
        nlohmann::json::parse(chiaro::core::readFileBytes(dir.file("models") + "/fc/manifest.json"));
    REQUIRE(manifest["loras"].size() == 1);
    CHECK(manifest["loras"][0]["file"] == "style.safetensors");
    CHECK(manifest["loras"][0]["strength"] == 0.5);
}

TEST_CASE("the import dialog exports an fc + fbc pair, reaches 100 and selects it", "[gui][import]") {
    chiaro::test::TempDir dir;
    const QString out = QString::fromStdString(dir.file("models"));
    chiaro::gui::SettingsDialog settings(chiaro::gui::AppSettings{});
    ImportDialog* dialog = settings.openImport();
    dialog->show();
    dialog->field(Field::Base)->setText(parity("tiny_sd"));
    dialog->field(Field::IcLight)->setText(parity("iclight_fc_offset.safetensors"));
    dialog->field(Field::IcLight2)->setText(parity("iclight_fbc_offset.safetensors"));
    dialog->field(Field::Out)->setText(out);
    QSignalSpy imported(dialog, &ImportDialog::imported);
    QSignalSpy checked(&settings, &chiaro::gui::SettingsDialog::bundleChecked);
    std::vector<int> values;
    QObject::connect(dialog->progressBar(), &QProgressBar::valueChanged, [&](int v) { values.push_back(v); });
    bool shot = false;
    QObject::connect(dialog->progressBar(), &QProgressBar::valueChanged, [&](int v) {
        if (v > 10 && !shot) screenshot(*dialog, "import_dialog_running.png");
        shot |= v > 10;
    });
    QTest::mouseClick(dialog->importButton(), Qt::LeftButton);
    CHECK(dialog->isRunning());
    CHECK(dialog->cancelButton()->text() == "Cancel");
    REQUIRE(waitFor([&] { return !imported.isEmpty(); }, 240000));
    CHECK(imported.at(0).at(0).toString() == out);
    CHECK(values.back() == 100);
    // The exporter's PROGRESS lines moved the bar in between, not only at the end.
    CHECK(std::count_if(values.begin(), values.end(), [](int v) { return v > 0 && v < 95; }) >= 2);
    CHECK(std::is_sorted(values.begin(), values.end()));
    // Selected in the settings and checked there.
    CHECK(settings.bundleDirEdit()->text() == out);
    REQUIRE(waitFor([&] { return !checked.isEmpty(); }, 60000));
    CHECK(checked.at(0).at(0).toBool());
    CHECK(settings.verdictText().contains("fc + fbc"));
    // "Match background" (a job with a background) runs on the fbc bundle, the rest on fc.
    const chiaro::gui::AppSettings chosen = settings.settings();
    chiaro::core::RelightJob job;
    CHECK(chosen.bundleDirFor(job) == out + "/fc");
    job.fbcBackground = chiaro::core::FbcBackground::Upload;
    CHECK(chosen.bundleDirFor(job) == out + "/fbc");
    job.fbcBackground = chiaro::core::FbcBackground::Grey;
    CHECK(chosen.bundleDirFor(job) == out + "/fbc");
    CHECK(hiddenEntries(out.toStdString()).empty());
}

TEST_CASE("Cancel in the import dialog kills the exporter and keeps the old bundle", "[gui][import]") {
    chiaro::test::TempDir dir;
    const std::string out = dir.file("models");
    chiaro::test::writeSyntheticBundle(out + "/fc", "fc");
    const std::string manifest = chiaro::core::readFileBytes(out + "/fc/manifest.json");
    ImportDialog dialog(QString::fromStdString(out));
    dialog.show();
    dialog.field(Field::Base)->setText(parity("tiny_sd"));
    dialog.field(Field::IcLight)->setText(parity("iclight_fc_offset.safetensors"));
    dialog.startImport();
    REQUIRE(dialog.isRunning());
    // Cancel once the exporter reported progress, i.e. while it runs.
    REQUIRE(waitFor([&] { return dialog.progressBar()->value() > 0; }, 60000));
    QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
    REQUIRE(waitFor([&] { return !dialog.isRunning(); }, 20000));
    CHECK(dialog.statusText().startsWith("Cancelled"));
    CHECK(dialog.errorText().isEmpty());
    CHECK(dialog.progressBar()->value() == 0);
    CHECK(dialog.importButton()->isEnabled());
    CHECK(chiaro::core::readFileBytes(out + "/fc/manifest.json") == manifest);
    CHECK(hiddenEntries(out).empty());
    CHECK_FALSE(fs::exists(out + "/pair.json"));
    CHECK(dialog.isVisible());  // Cancel stops the import, a second press closes
}

TEST_CASE("the import dialog shows a refused input in plain words", "[gui][import]") {
    chiaro::test::TempDir dir;
    ImportDialog dialog(QString::fromStdString(dir.file("models")));
    dialog.field(Field::Base)->setText(parity("iclight_fc_offset.safetensors"));
    dialog.field(Field::IcLight)->setText(parity("tiny_sd"));
    QTest::mouseClick(dialog.importButton(), Qt::LeftButton);
    CHECK_FALSE(dialog.isRunning());
    CHECK(dialog.errorText().startsWith("Import failed: "));
    CHECK(dialog.errorText().contains("not a base model: give it with --iclight"));
    dialog.field(Field::Base)->setText(parity("tiny_sd"));
    dialog.field(Field::IcLight)->clear();
    dialog.startImport();
    CHECK(dialog.errorText().contains("--iclight is required"));
    CHECK_FALSE(fs::exists(dir.file("models")));
}

TEST_CASE("files dropped on the import dialog land in the right fields", "[gui][import][drop]") {
    ImportDialog dialog(QString{});
    CHECK(dialog.routeDroppedPath(parity("iclight_fbc_offset.safetensors")) == Field::IcLight);
    CHECK(dialog.routeDroppedPath(parity("tiny_sd")) == Field::Base);
    CHECK(dialog.routeDroppedPath(parity("iclight_fc_offset.safetensors")) == Field::IcLight2);
    CHECK(dialog.field(Field::Base)->text() == parity("tiny_sd"));
    // A real drop onto one field sets that field to the local path.
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(parity("tiny_sd/vae"))});
    QLineEdit* vae = dialog.field(Field::Vae);
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(vae, &enter);
    CHECK(enter.isAccepted());
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(vae, &drop);
    CHECK(vae->text() == parity("tiny_sd/vae"));
    CHECK(dialog.field(Field::Segmenter)->text().isEmpty());
    dialog.resize(640, dialog.sizeHint().height());
    screenshot(dialog, "import_dialog_filled.png");
}

TEST_CASE("the first start without models points to Import", "[gui][import]") {
    QStandardPaths::setTestModeEnabled(true);
    QMainWindow window;
    auto* studio = new chiaro::gui::Studio(&window, [](const QString&) { return false; });
    REQUIRE_FALSE(studio->settings().hasModels());
    CHECK_FALSE(studio->noticeLabel()->isHidden());
    CHECK(studio->noticeLabel()->text().contains("No models yet"));
    CHECK(studio->noticeLabel()->text().contains("href=\"chiaro:import\""));
}
