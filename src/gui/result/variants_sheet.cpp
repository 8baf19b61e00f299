#include "result/variants_sheet.h"

#include <cmath>

#include <QGridLayout>
#include <QToolButton>

namespace chiaro::gui {
namespace {

constexpr int kCell = 200;

}  // namespace

std::vector<core::LightDirection> variantDirections(int count, double elevation) {
    std::vector<core::LightDirection> out;
    for (int i = 0; i < count; ++i) out.push_back(core::LightDirection::normalized(360.0 * i / count, elevation));
    return out;
}

VariantsSheet::VariantsSheet(QWidget* parent) : QWidget(parent) {
    m_grid = new QGridLayout(this);
    m_grid->setSpacing(6);
}

void VariantsSheet::begin(const std::vector<core::LightDirection>& directions) {
    for (QToolButton* cell : m_cells) delete cell;
    m_cells.clear();
    m_filled = 0;
    const int columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(double(directions.size())))));
    for (size_t i = 0; i < directions.size(); ++i) {
        auto* cell = new QToolButton(this);
        cell->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
        cell->setIconSize({kCell, kCell});
        cell->setMinimumSize(kCell + 12, kCell + 30);
        cell->setText(tr("az %1° el %2° — waiting").arg(directions[i].azimuth, 0, 'f', 0)
                          .arg(directions[i].elevation, 0, 'f', 0));
        cell->setProperty("label", tr("az %1° el %2°").arg(directions[i].azimuth, 0, 'f', 0)
                                       .arg(directions[i].elevation, 0, 'f', 0));
        connect(cell, &QToolButton::clicked, this, [this, i] { Q_EMIT cellClicked(static_cast<int>(i)); });
        m_grid->addWidget(cell, static_cast<int>(i) / columns, static_cast<int>(i) % columns);
        m_cells.push_back(cell);
    }
}

void VariantsSheet::setResult(int index, const QImage& image) {
    if (index < 0 || index >= cellCount()) return;
    QToolButton* cell = m_cells[static_cast<size_t>(index)];
    cell->setIcon(QIcon(QPixmap::fromImage(image.scaled(kCell, kCell, Qt::KeepAspectRatio,
                                                        Qt::SmoothTransformation))));
    cell->setText(cell->property("label").toString());
    ++m_filled;
}

void VariantsSheet::setFailed(int index, const QString& message) {
    if (index < 0 || index >= cellCount()) return;
    QToolButton* cell = m_cells[static_cast<size_t>(index)];
    cell->setText(cell->property("label").toString() + " — " + message.left(40));
    cell->setToolTip(message);
}

}  // namespace chiaro::gui
