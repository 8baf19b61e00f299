#pragma once
// "Variants": the same job and seed swept over N light directions, shown as a grid that fills in as
// the results arrive. Click a cell to view that result in the main view.
#include <vector>

#include <QWidget>

#include "chiaro/light/light.h"

class QGridLayout;
class QToolButton;

namespace chiaro::gui {

// N directions around the subject at `elevation`: azimuths 0, 360/N, ... (front first, then
// clockwise seen from above: right, back, left for N = 4).
std::vector<core::LightDirection> variantDirections(int count, double elevation = 0.0);

class VariantsSheet : public QWidget {
    Q_OBJECT
public:
    explicit VariantsSheet(QWidget* parent = nullptr);

    // Starts a new sheet with one empty cell per direction.
    void begin(const std::vector<core::LightDirection>& directions);
    // Fills cell `index` (in begin()'s order).
    void setResult(int index, const QImage& image);
    void setFailed(int index, const QString& message);
    int cellCount() const { return static_cast<int>(m_cells.size()); }
    int filledCount() const { return m_filled; }

Q_SIGNALS:
    void cellClicked(int index);

private:
    QGridLayout* m_grid = nullptr;
    std::vector<QToolButton*> m_cells;
    int m_filled = 0;
};

}  // namespace chiaro::gui
