#pragma once
// "Output size": the photo's own size (the default; the label shows it), the diffusion's working
// size (IC-Light's behaviour), or a custom W×H. A custom size over twice the photo is refused by
// core::resolveOutputSize: problem() says so in plain words and the box shows it under the choice.
// Used by the prompt panel (one photo) and the Batch tab (no photo: the label says "each photo's").
#include <QSize>
#include <QWidget>

#include "chiaro/pipeline/framing.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace chiaro::gui {

class OutputSizeBox : public QWidget {
    Q_OBJECT
public:
    explicit OutputSizeBox(QWidget* parent = nullptr);

    // The size of the photo as it will be framed (cropped when the crop is on); empty = no photo.
    void setPhotoFrame(QSize frame);
    core::OutputSize outputSize() const;
    void setOutputSize(const core::OutputSize& size);
    // Why the current choice cannot run on the photo frame, or an empty string.
    QString problem() const;

    QComboBox* choiceBox() const { return m_choice; }
    QSpinBox* customWidth() const { return m_width; }
    QSpinBox* customHeight() const { return m_height; }
    QLabel* problemLabel() const { return m_problem; }

Q_SIGNALS:
    void changed();

private:
    void update();

    QComboBox* m_choice = nullptr;
    QWidget* m_custom = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QLabel* m_problem = nullptr;
    QSize m_frame;
};

}  // namespace chiaro::gui
