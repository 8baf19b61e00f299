#include "settings/lora_list.h"

#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <functional>
#include <set>

namespace chiaro::gui {

LoraList::LoraList(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableWidget(0, 2, this);
    m_table->setHorizontalHeaderLabels({tr("LoRA file"), tr("Strength")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setVisible(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setMaximumHeight(110);
    m_table->setToolTip(tr("Optional: SD 1.5 LoRAs (kohya, PEFT, diffusers, LoCon) merged into the "
                           "bundles, in this order"));
    layout->addWidget(m_table, 1);
    auto* buttons = new QVBoxLayout;
    m_add = new QPushButton(tr("Add…"), this);
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setEnabled(false);
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_add, &QPushButton::clicked, this, &LoraList::browse);
    connect(m_remove, &QPushButton::clicked, this, &LoraList::removeSelected);
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_table->selectedItems().isEmpty()); });
}

void LoraList::addLora(const QString& path, double strength) {
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto* item = new QTableWidgetItem(QFileInfo(path).fileName());
    item->setData(Qt::UserRole, path);
    item->setToolTip(path);
    m_table->setItem(row, 0, item);
    auto* spin = new QDoubleSpinBox(m_table);
    spin->setRange(-core::kLoraStrengthLimit, core::kLoraStrengthLimit);
    spin->setSingleStep(0.05);
    spin->setDecimals(2);
    spin->setValue(strength);
    spin->setToolTip(tr("How strongly the LoRA is merged: 1 as trained, 0 leaves it out, negative "
                        "values subtract it"));
    m_table->setCellWidget(row, 1, spin);
}

void LoraList::removeRow(int row) {
    if (row >= 0 && row < m_table->rowCount()) m_table->removeRow(row);
}

int LoraList::count() const { return m_table->rowCount(); }

QString LoraList::path(int row) const {
    const QTableWidgetItem* item = m_table->item(row, 0);
    return item ? item->data(Qt::UserRole).toString() : QString();
}

QDoubleSpinBox* LoraList::strengthSpin(int row) const {
    return qobject_cast<QDoubleSpinBox*>(m_table->cellWidget(row, 1));
}

std::vector<core::ImportLora> LoraList::loras() const {
    std::vector<core::ImportLora> out;
    for (int row = 0; row < count(); ++row) {
        out.push_back({path(row).toStdString(), strengthSpin(row)->value()});
    }
    return out;
}

void LoraList::browse() {
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Choose LoRA files"), QString(), tr("Safetensors (*.safetensors);;All files (*)"));
    for (const QString& p : paths) addLora(p);
}

void LoraList::removeSelected() {
    std::set<int, std::greater<int>> rows;  // from the bottom, so the indices stay valid
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
        rows.insert(index.row());
    }
    for (int row : rows) removeRow(row);
}

}  // namespace chiaro::gui
