#pragma once
// The Import dialog's LoRA list: LoRA files merged into the new bundles at export, each with a
// strength (-2..2, default 1). Add… browses for .safetensors files (several at once), Remove
// drops the selected rows; loras() feeds core::ImportRequest::loras in list order.
#include <QWidget>

#include <vector>

#include "chiaro/bundle/model_import.h"

class QDoubleSpinBox;
class QPushButton;
class QTableWidget;

namespace chiaro::gui {

class LoraList : public QWidget {
    Q_OBJECT
public:
    explicit LoraList(QWidget* parent = nullptr);

    void addLora(const QString& path, double strength = 1.0);
    void removeRow(int row);
    int count() const;
    QString path(int row) const;
    QDoubleSpinBox* strengthSpin(int row) const;
    QPushButton* addButton() const { return m_add; }
    QPushButton* removeButton() const { return m_remove; }
    QTableWidget* table() const { return m_table; }
    std::vector<core::ImportLora> loras() const;

private:
    void browse();
    void removeSelected();

    QTableWidget* m_table = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
};

}  // namespace chiaro::gui
