#include "result/history_strip.h"

namespace chiaro::gui {
namespace {

constexpr int kThumb = 96;

QString jsonText(const nlohmann::json& json, const char* key) {
    if (!json.contains(key)) return {};
    const auto& v = json.at(key);
    return v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString::fromStdString(v.dump());
}

}  // namespace

HistoryStrip::HistoryStrip(QWidget* parent) : QListWidget(parent) {
    setViewMode(QListView::IconMode);
    setFlow(QListView::LeftToRight);
    setWrapping(false);
    setMovement(QListView::Static);
    setIconSize({kThumb, kThumb});
    setUniformItemSizes(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setFixedHeight(kThumb + 46);
    setToolTip(tr("Results of this photo: click to view, double-click to restore its parameters"));
    connect(this, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0) Q_EMIT entryActivated(row);
    });
    connect(this, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem* item) { Q_EMIT restoreRequested(row(item)); });
}

QString HistoryStrip::summary(const nlohmann::json& job) {
    QStringList parts;
    if (job.contains("seed")) parts << tr("seed %1").arg(jsonText(job, "seed"));
    if (job.contains("light") && job.at("light").is_object()) {
        const auto& light = job.at("light");
        if (light.contains("azimuth") && light.at("azimuth").is_number() &&
            light.contains("elevation") && light.at("elevation").is_number()) {
            parts << tr("az %1° el %2°").arg(light.at("azimuth").get<double>(), 0, 'f', 0)
                                       .arg(light.at("elevation").get<double>(), 0, 'f', 0);
        } else if (light.contains("preset")) {
            parts << jsonText(light, "preset");
        }
    }
    if (job.contains("steps")) parts << tr("%1 steps").arg(jsonText(job, "steps"));
    return parts.join(QStringLiteral(" · "));
}

int HistoryStrip::add(const HistoryEntry& entry) {
    m_entries.push_back(entry);
    const nlohmann::json job = entry.result ? entry.result->job : nlohmann::json::object();
    auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(
        entry.image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation))),
        QString::number(m_entries.size()), this);
    QString tip = summary(job);
    if (job.contains("prompt")) tip = jsonText(job, "prompt") + "\n" + tip;
    item->setToolTip(tip);
    const int index = count() - 1;
    setCurrentRow(index);
    scrollToItem(item);
    return index;
}

void HistoryStrip::clearEntries() {
    QSignalBlocker blocker(this);
    clear();
    m_entries.clear();
}

void HistoryStrip::setSavedPath(int index, const QString& path) {
    m_entries.at(static_cast<size_t>(index)).savedPath = path;
}

}  // namespace chiaro::gui
