#include "panels/environment_box.h"

#include <memory>

#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>

#include "chiaro/light/environment_light.h"
#include "chiaro/light/light_rig.h"
#include "util/pool_task.h"

namespace chiaro::gui {

EnvironmentBox::EnvironmentBox(QWidget* parent) : QWidget(parent) {
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    m_panorama = new QPushButton(tr("Panorama…"), this);
    m_panorama->setObjectName(QStringLiteral("loadPanorama"));
    m_panorama->setToolTip(tr("Light the subject like an HDR panorama (.hdr, .exr; equirectangular, 2:1): its "
                              "brightest areas become the rig's lights"));
    m_background = new QPushButton(tr("From background"), this);
    m_background->setObjectName(QStringLiteral("lightFromBackground"));
    m_background->setToolTip(tr("Derive the rig from the background image (Match background): light comes from "
                                "where the background is bright"));
    m_rotation = new QSlider(Qt::Horizontal, this);
    m_rotation->setObjectName(QStringLiteral("environmentRotation"));
    m_rotation->setRange(-180, 180);
    m_rotation->setToolTip(tr("Turn the environment's light around the subject"));
    m_rotation->setEnabled(false);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    grid->addWidget(m_panorama, 0, 0);
    grid->addWidget(m_background, 0, 1);
    grid->addWidget(new QLabel(tr("Rotate"), this), 1, 0);
    grid->addWidget(m_rotation, 1, 1);
    grid->addWidget(m_status, 2, 0, 1, 2);
    connect(m_panorama, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Light from panorama"), QString(),
                                                          tr("Panoramas (*.hdr *.exr *.pfm *.png *.jpg *.tif);;All files (*)"));
        if (!path.isEmpty()) loadPanorama(path);
    });
    connect(m_background, &QPushButton::clicked, this, [this] { lightFromBackground(); });
    connect(m_rotation, &QSlider::valueChanged, this, &EnvironmentBox::emitRotated);
}

void EnvironmentBox::loadPanorama(const QString& path) {
    const std::string file = path.toStdString();
    derive(QFileInfo(path).fileName(), [file] { return core::rigFromEnvironment(core::loadEnvironmentMap(file)); });
}

bool EnvironmentBox::lightFromBackground() {
    const cv::Mat background = m_backgroundProvider ? m_backgroundProvider() : cv::Mat();
    if (background.empty()) {
        m_status->setText(tr("No background image: choose one under Match background first."));
        Q_EMIT failed(m_status->text());
        return false;
    }
    derive(tr("the background"), [background] { return core::rigFromBackground(background); });
    return true;
}

void EnvironmentBox::derive(const QString& source, std::function<core::LightSettings()> work) {
    const int generation = ++m_generation;
    auto rig = std::make_shared<core::LightSettings>();
    m_status->setText(tr("Reading %1…").arg(source));
    runOnPool(
        this, [rig, work = std::move(work)] { *rig = work(); },
        [this, rig, source, generation](const QString& error) {
            if (generation != m_generation) return;  // a newer request is on its way
            if (!error.isEmpty()) {
                m_status->setText(error);
                Q_EMIT failed(error);
                return;
            }
            showRig(*rig, source);
        });
}

void EnvironmentBox::showRig(const core::LightSettings& rig, const QString& source) {
    m_base = rig;
    m_status->setText(tr("Light from %1: %n light(s), ambient %2 %", nullptr, static_cast<int>(rig.lights().size()))
                          .arg(source)
                          .arg(static_cast<int>(rig.ambient * 100 + 0.5)));
    {
        const QSignalBlocker block(m_rotation);
        m_rotation->setValue(0);
    }
    m_rotation->setEnabled(true);
    emitRotated();
}

void EnvironmentBox::emitRotated() {
    if (m_base) Q_EMIT rigChanged(core::rotatedRig(*m_base, m_rotation->value()));
}

}  // namespace chiaro::gui
