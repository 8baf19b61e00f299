#include "panels/output_size_box.h"

#include <algorithm>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace chiaro::gui {
namespace {

constexpr int kMaxCustomSide = 65535;  // what PNG and TIFF writers accept comfortably

QSpinBox* customSpin(QWidget* parent) {
    auto* spin = new QSpinBox(parent);
    spin->setRange(16, kMaxCustomSide);
    spin->setSingleStep(100);
    spin->setSuffix(QStringLiteral(" px"));
    spin->setValue(1024);
    return spin;
}

}  // namespace

OutputSizeBox::OutputSizeBox(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_choice = new QComboBox(this);
    m_choice->setObjectName(QStringLiteral("outputSizeChoice"));
    m_choice->addItem(QString(), static_cast<int>(core::OutputSizeMode::Photo));
    m_choice->addItem(tr("Working size"), static_cast<int>(core::OutputSizeMode::Working));
    m_choice->addItem(tr("Custom…"), static_cast<int>(core::OutputSizeMode::Exact));
    m_choice->setItemData(0, tr("The result has the photo's own size and framing"), Qt::ToolTipRole);
    m_choice->setItemData(1, tr("The size the model generated (IC-Light's output)"), Qt::ToolTipRole);
    m_choice->setItemData(2, tr("Any size up to twice the photo's"), Qt::ToolTipRole);
    layout->addWidget(m_choice);

    m_custom = new QWidget(this);
    auto* row = new QHBoxLayout(m_custom);
    row->setContentsMargins(0, 0, 0, 0);
    m_width = customSpin(m_custom);
    m_height = customSpin(m_custom);
    m_width->setObjectName(QStringLiteral("outputWidth"));
    m_height->setObjectName(QStringLiteral("outputHeight"));
    row->addWidget(m_width, 1);
    row->addWidget(new QLabel(QStringLiteral("×"), m_custom));
    row->addWidget(m_height, 1);
    layout->addWidget(m_custom);

    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    layout->addWidget(m_problem);

    connect(m_choice, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        update();
        Q_EMIT changed();
    });
    for (QSpinBox* spin : {m_width, m_height}) {
        connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, [this] {
            update();
            Q_EMIT changed();
        });
    }
    update();
}

void OutputSizeBox::setPhotoFrame(QSize frame) {
    m_frame = frame;
    update();
}

core::OutputSize OutputSizeBox::outputSize() const {
    core::OutputSize size;
    size.mode = static_cast<core::OutputSizeMode>(m_choice->currentData().toInt());
    if (size.mode == core::OutputSizeMode::Exact) size.exact = cv::Size(m_width->value(), m_height->value());
    return size;
}

void OutputSizeBox::setOutputSize(const core::OutputSize& size) {
    {
        const QSignalBlocker blockWidth(m_width), blockHeight(m_height);
        if (size.mode == core::OutputSizeMode::Exact) {
            m_width->setValue(size.exact.width);
            m_height->setValue(size.exact.height);
        }
    }
    const int index = std::max(0, m_choice->findData(static_cast<int>(size.mode)));
    if (index == m_choice->currentIndex()) {
        update();
        Q_EMIT changed();
    } else {
        m_choice->setCurrentIndex(index);  // updates and signals
    }
}

QString OutputSizeBox::problem() const {
    const core::OutputSize size = outputSize();
    if (size.mode != core::OutputSizeMode::Exact || m_frame.isEmpty()) return {};
    try {
        const cv::Size frame(m_frame.width(), m_frame.height());
        core::resolveOutputSize(size, frame, frame);
    } catch (const std::exception&) {
        return tr("%1 × %2 is more than twice the photo (%3 × %4): choose at most %5 × %6.")
            .arg(size.exact.width).arg(size.exact.height).arg(m_frame.width()).arg(m_frame.height())
            .arg(2 * m_frame.width()).arg(2 * m_frame.height());
    }
    return {};
}

void OutputSizeBox::update() {
    m_choice->setItemText(0, m_frame.isEmpty() ? tr("Photo (its own size)")
                                               : tr("Photo (%1×%2)").arg(m_frame.width()).arg(m_frame.height()));
    m_custom->setVisible(outputSize().mode == core::OutputSizeMode::Exact);
    const QString text = problem();
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

}  // namespace chiaro::gui
