#include "panels/prompt_panel.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include "chiaro/pipeline/framing.h"
#include "chiaro/pipeline/presets.h"
#include "panels/background_slot.h"
#include "panels/output_size_box.h"
#include "panels/quick_prompts.h"
#include "settings/app_settings.h"

namespace chiaro::gui {
namespace {

constexpr int kSizeStep = 64;

QDoubleSpinBox* doubleSpin(double lo, double hi, double step, int decimals, double value, QWidget* parent) {
    auto* spin = new QDoubleSpinBox(parent);
    spin->setRange(lo, hi);
    spin->setSingleStep(step);
    spin->setDecimals(decimals);
    spin->setValue(value);
    return spin;
}

QSpinBox* sizeSpin(int value, QWidget* parent) {
    auto* spin = new QSpinBox(parent);
    spin->setRange(256, 2048);
    spin->setSingleStep(kSizeStep);
    spin->setValue(value);
    spin->setSuffix(" px");
    return spin;
}

const QString kOutputGroup = QStringLiteral("output");

}  // namespace

PromptPanel::PromptPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(buildPromptBox());
    layout->addWidget(buildSamplingBox());
    layout->addWidget(buildOutputBox());
    layout->addStretch(1);

    QSettings settings;
    const OutputChoice choice = OutputChoice::load(settings, kOutputGroup);
    m_outputSize->setOutputSize(choice.outputSize());
    m_crop->setChecked(choice.crop);
    connect(m_outputSize, &OutputSizeBox::changed, this, &PromptPanel::saveOutputChoice);
    connect(m_crop, &QCheckBox::toggled, this, [this] {
        updatePhotoFrame();
        saveOutputChoice();
    });
    for (QSpinBox* spin : {m_width, m_height})
        connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &PromptPanel::updatePhotoFrame);
}

QWidget* PromptPanel::buildPromptBox() {
    auto* box = new QGroupBox(tr("Prompt"), this);
    auto* form = new QFormLayout(box);
    m_prompt = new QPlainTextEdit(box);
    m_prompt->setPlaceholderText(tr("e.g. sunshine from window"));
    m_prompt->setFixedHeight(m_prompt->fontMetrics().lineSpacing() * 3 + 12);
    m_prompt->setTabChangesFocus(true);
    form->addRow(m_prompt);
    m_quickLighting = new QComboBox(box);
    m_quickLighting->addItem(tr("Lighting…"));
    m_quickLighting->addItems(quickLightingPrompts());
    m_quickLighting->setToolTip(tr("IC-Light's lighting prompts: pick one to add it to the prompt"));
    m_quickSubject = new QComboBox(box);
    m_quickSubject->addItem(tr("Subject…"));
    m_quickSubject->addItems(quickSubjectPrompts());
    m_quickSubject->setToolTip(tr("IC-Light's subject prompts: pick one to add it to the prompt"));
    auto* quick = new QHBoxLayout;
    quick->addWidget(m_quickLighting, 1);
    quick->addWidget(m_quickSubject, 1);
    form->addRow(quick);
    for (QComboBox* combo : {m_quickLighting, m_quickSubject}) {
        connect(combo, qOverload<int>(&QComboBox::activated), this, [this, combo](int index) {
            if (index <= 0) return;
            m_prompt->setPlainText(appendPromptPhrase(m_prompt->toPlainText(), combo->itemText(index)));
            combo->setCurrentIndex(0);
        });
    }
    const core::RelightJob defaults;
    m_added = new QLineEdit(QString::fromStdString(defaults.addedPrompt), box);
    m_negative = new QLineEdit(QString::fromStdString(defaults.negativePrompt), box);
    form->addRow(tr("Added"), m_added);
    form->addRow(tr("Negative"), m_negative);
    return box;
}

QWidget* PromptPanel::buildSamplingBox() {
    const core::RelightJob d;
    auto* box = new QGroupBox(tr("Sampling"), this);
    auto* form = new QFormLayout(box);
    m_seed = new QSpinBox(box);
    m_seed->setRange(0, INT_MAX);
    m_seed->setValue(static_cast<int>(d.seed));
    m_randomSeed = new QCheckBox(tr("Random"), box);
    m_randomSeed->setToolTip(tr("Draw a new seed for every generation"));
    m_reuseSeed = new QPushButton(tr("Reuse"), box);
    m_reuseSeed->setToolTip(tr("Use the seed of the last result (Ctrl+R)"));
    m_reuseSeed->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(m_reuseSeed, &QPushButton::clicked, this, [this] {
        m_randomSeed->setChecked(false);
        m_seed->setValue(static_cast<int>(std::min<uint64_t>(m_lastSeed, INT_MAX)));
    });
    // "Random" goes on its own line: next to a spin box wide enough for any seed and "Reuse", it
    // made the row wider than the dock and the three overlapped.
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(m_reuseSeed);
    form->addRow(tr("Seed"), seedRow);
    form->addRow(QString(), m_randomSeed);

    m_steps = new QSpinBox(box);
    m_steps->setRange(1, 150);
    m_steps->setValue(d.steps);
    m_cfg = doubleSpin(1.0, 32.0, 0.5, 1, d.cfg, box);
    auto* stepsRow = new QHBoxLayout;
    stepsRow->addWidget(m_steps);
    stepsRow->addWidget(new QLabel(tr("CFG"), box));
    stepsRow->addWidget(m_cfg);
    form->addRow(tr("Steps"), stepsRow);

    const cv::Size fallback = core::workingSizeFor({512, 640});  // no photo yet: IC-Light's 512×640
    m_width = sizeSpin(fallback.width, box);
    m_height = sizeSpin(fallback.height, box);
    m_width->setToolTip(tr("Working size: what the model generates at (multiples of 64)"));
    m_height->setToolTip(m_width->toolTip());
    m_matchPhoto = new QCheckBox(tr("Match photo"), box);
    m_matchPhoto->setToolTip(tr("Work at the photo's aspect ratio at about 512×640 pixels"));
    m_matchPhoto->setChecked(true);
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_width);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), box));
    sizeRow->addWidget(m_height);
    form->addRow(tr("Size"), sizeRow);
    form->addRow(QString(), m_matchPhoto);
    connect(m_matchPhoto, &QCheckBox::toggled, this, &PromptPanel::updateMatchedSize);

    m_lowresDenoise = doubleSpin(0.1, 1.0, 0.05, 2, d.lowresDenoise, box);
    m_lowresDenoise->setToolTip(tr("How much of the first pass is re-imagined (1 = from noise)"));
    form->addRow(tr("Lowres denoise"), m_lowresDenoise);
    m_highresScale = doubleSpin(1.0, 3.0, 0.1, 2, d.highresScale, box);
    m_highresDenoise = doubleSpin(0.1, 1.0, 0.05, 2, d.highresDenoise, box);
    auto* hiresRow = new QHBoxLayout;
    hiresRow->addWidget(m_highresScale);
    hiresRow->addWidget(new QLabel(tr("denoise"), box));
    hiresRow->addWidget(m_highresDenoise);
    form->addRow(tr("Highres ×"), hiresRow);

    m_highresSteps = new QSpinBox(box);
    m_highresSteps->setObjectName(QStringLiteral("highresSteps"));
    m_highresSteps->setRange(0, 150);
    m_highresSteps->setSpecialValueText(tr("same"));
    m_highresSteps->setToolTip(tr("Steps of the high-resolution pass (same = the steps above)"));
    form->addRow(tr("Highres steps"), m_highresSteps);

    m_sampler = new QComboBox(box);
    m_sampler->setObjectName(QStringLiteral("sampler"));
    for (auto kind : core::allSamplerKinds())
        m_sampler->addItem(QString::fromStdString(core::samplerName(kind)), static_cast<int>(kind));
    m_sampler->setToolTip(tr("lcm and tcd are few-step samplers for models with an LCM / TCD LoRA; "
                             "they run at CFG 1"));
    form->addRow(tr("Sampler"), m_sampler);
    m_tcdGamma = doubleSpin(0.0, 1.0, 0.05, 2, core::kDefaultTcdGamma, box);
    m_tcdGamma->setObjectName(QStringLiteral("tcdGamma"));
    m_tcdGamma->setToolTip(tr("TCD's gamma: 0 deterministic, 1 fully stochastic"));
    m_tcdGamma->setEnabled(false);
    form->addRow(tr("TCD gamma"), m_tcdGamma);
    connect(m_sampler, qOverload<int>(&QComboBox::currentIndexChanged), this, &PromptPanel::onSamplerChanged);

    m_fast = new QCheckBox(tr("Fast (few-step LoRA)"), box);
    m_fast->setObjectName(QStringLiteral("fastPreset"));
    m_fast->setToolTip(tr("lcm, %1 steps, CFG %2, %3 high-resolution steps. Needs models exported "
                          "with an LCM / Hyper-SD LoRA.")
                           .arg(core::kFastSteps)
                           .arg(core::kFastCfg)
                           .arg(core::kFastHighresSteps));
    m_fast->setEnabled(false);
    form->addRow(QString(), m_fast);
    connect(m_fast, &QCheckBox::toggled, this, &PromptPanel::onFastToggled);
    return box;
}

QWidget* PromptPanel::buildOutputBox() {
    auto* box = new QGroupBox(tr("Mode and output"), this);
    auto* form = new QFormLayout(box);
    m_mode = new QComboBox(box);
    m_mode->setObjectName(QStringLiteral("studioMode"));
    m_mode->addItem(tr("Relight subject"), static_cast<int>(StudioMode::Subject));
    m_mode->addItem(tr("Inpaint region"), static_cast<int>(StudioMode::Inpaint));
    m_mode->addItem(tr("Match background (fbc)"), static_cast<int>(StudioMode::MatchBackground));
    m_mode->setToolTip(tr("Subject: the mask is kept and relit, the rest is generated.\n"
                          "Inpaint: the mask is regenerated, the rest conditions it.\n"
                          "Match background: relight the subject to fit the background image (fbc bundle)."));
    form->addRow(tr("Mode"), m_mode);
    m_background = new BackgroundSlot(box);
    form->addRow(m_background);
    m_fbcBackground = new QComboBox(box);
    m_fbcBackground->setObjectName(QStringLiteral("fbcBackground"));
    m_fbcBackground->addItem(tr("Background image"), static_cast<int>(core::FbcBackground::Upload));
    m_fbcBackground->addItem(tr("Background image, flipped"), static_cast<int>(core::FbcBackground::UploadFlipped));
    m_fbcBackground->addItem(tr("Flat grey"), static_cast<int>(core::FbcBackground::Grey));
    m_fbcBackground->setToolTip(tr("What the fbc model matches the subject to (IC-Light's background choices)"));
    m_fbcBackground->setEnabled(false);
    form->addRow(tr("Match to"), m_fbcBackground);
    connect(m_mode, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        const StudioMode next = mode();
        applyModeDefaults(m_lastMode, next);
        m_lastMode = next;
        m_fbcBackground->setEnabled(next == StudioMode::MatchBackground);
        m_keepColour->setEnabled(next != StudioMode::Inpaint);  // inpainting makes new content
        Q_EMIT modeChanged(next);
    });
    m_keepUnmasked = new QCheckBox(tr("Keep unmasked pixels"), box);
    m_keepUnmasked->setToolTip(tr("Copy the pixels outside the mask from the photo"));
    m_transparent = new QCheckBox(tr("Transparent output"), box);
    m_transparent->setToolTip(tr("RGBA PNG with the subject mask as alpha"));
    m_keepColour = new QCheckBox(tr("Keep product colours"), box);
    m_keepColour->setObjectName(QStringLiteral("keepColour"));
    m_keepColour->setToolTip(tr("The subject keeps the photo's own colours (hue and saturation); only its "
                                "brightness follows the new light. For products whose colour must stay exact."));
    form->addRow(m_keepUnmasked);
    form->addRow(m_transparent);
    form->addRow(m_keepColour);
    m_detail = new QSlider(Qt::Horizontal, box);
    m_detail->setRange(0, 100);
    m_detail->setToolTip(tr("Transfer the photo's fine detail back onto the result (0 = none)"));
    form->addRow(tr("Detail"), m_detail);
    m_outputSize = new OutputSizeBox(box);
    m_outputSize->setToolTip(tr("How big the result comes back"));
    form->addRow(tr("Output size"), m_outputSize);
    m_crop = new QCheckBox(tr("Crop to the working aspect"), box);
    m_crop->setObjectName(QStringLiteral("cropToWorking"));
    m_crop->setToolTip(tr("IC-Light's centre crop: cut the photo to the working size's aspect ratio.\n"
                          "Off: nothing is cut off; the photo is only stretched by the rounding to 64 pixels."));
    form->addRow(m_crop);
    return box;
}

StudioMode PromptPanel::mode() const { return static_cast<StudioMode>(m_mode->currentData().toInt()); }

void PromptPanel::setPhotoSize(QSize size) {
    m_photoSize = size;
    updateMatchedSize();
    updatePhotoFrame();
}

void PromptPanel::updateMatchedSize() {
    const bool match = m_matchPhoto->isChecked();
    m_width->setEnabled(!match);
    m_height->setEnabled(!match);
    if (!match || m_photoSize.isEmpty()) return;
    const cv::Size s = core::workingSizeFor({m_photoSize.width(), m_photoSize.height()});
    m_width->setValue(s.width);
    m_height->setValue(s.height);
}

// The frame the output size refers to: the photo, or its centre crop to the working aspect.
void PromptPanel::updatePhotoFrame() {
    QSize frame = m_photoSize;
    if (m_crop->isChecked() && !frame.isEmpty()) {
        const cv::Rect r = core::centerCropRect({frame.width(), frame.height()}, {m_width->value(), m_height->value()});
        frame = QSize(r.width, r.height);
    }
    m_outputSize->setPhotoFrame(frame);
}

QString PromptPanel::outputProblem() const { return m_outputSize->problem(); }

void PromptPanel::saveOutputChoice() const {
    OutputChoice choice;
    choice.size = QString::fromStdString(core::outputSizeName(m_outputSize->outputSize()));
    choice.crop = m_crop->isChecked();
    QSettings settings;
    choice.save(settings, kOutputGroup);
}

void PromptPanel::setLastSeed(uint64_t seed) { m_lastSeed = seed; }

// IC-Light's per-model defaults (fc: 25 steps, CFG 2; fbc: 20 steps, CFG 7) follow the mode, unless
// the user changed them: only values still at the previous mode's defaults are replaced.
void PromptPanel::applyModeDefaults(StudioMode previous, StudioMode next) {
    auto defaultsOf = [](StudioMode m) {
        return m == StudioMode::MatchBackground ? std::pair<int, double>{20, 7.0} : std::pair<int, double>{25, 2.0};
    };
    const auto [oldSteps, oldCfg] = defaultsOf(previous);
    const auto [newSteps, newCfg] = defaultsOf(next);
    if (m_steps->value() == oldSteps) m_steps->setValue(newSteps);
    if (std::abs(m_cfg->value() - oldCfg) < 1e-9) m_cfg->setValue(newCfg);
}

// lcm and tcd were distilled for guidance 1: picking one sets CFG to 1 (the user may raise it).
void PromptPanel::onSamplerChanged() {
    const auto kind = static_cast<core::SamplerKind>(m_sampler->currentData().toInt());
    m_tcdGamma->setEnabled(kind == core::SamplerKind::Tcd);
    if (core::isFewStepSampler(kind) && !m_fast->isChecked()) m_cfg->setValue(1.0);
}

void PromptPanel::onFastToggled(bool on) {
    if (on) {
        writeSampling(m_beforeFast);
        const core::RelightJob fast = core::applyFastPreset(m_beforeFast);
        readSampling(fast);
    } else {
        readSampling(m_beforeFast);
    }
}

void PromptPanel::setFastAvailable(bool available) {
    if (!available && m_fast->isChecked()) m_fast->setChecked(false);
    m_fast->setEnabled(available);
}

void PromptPanel::writeSampling(core::RelightJob& job) const {
    job.steps = m_steps->value();
    job.cfg = m_cfg->value();
    job.sampler = static_cast<core::SamplerKind>(m_sampler->currentData().toInt());
    job.tcdGamma = m_tcdGamma->value();
    job.highresSteps = m_highresSteps->value();
}

void PromptPanel::readSampling(const core::RelightJob& job) {
    // The sampler first: picking lcm would otherwise reset the CFG read below.
    const QSignalBlocker block(m_sampler);
    m_sampler->setCurrentIndex(std::max(0, m_sampler->findData(static_cast<int>(job.sampler))));
    m_tcdGamma->setEnabled(job.sampler == core::SamplerKind::Tcd);
    m_steps->setValue(job.steps);
    m_cfg->setValue(job.cfg);
    m_tcdGamma->setValue(job.tcdGamma);
    m_highresSteps->setValue(job.highresSteps);
}

void PromptPanel::writeTo(core::RelightJob& job) {
    if (m_randomSeed->isChecked()) m_seed->setValue(static_cast<int>(QRandomGenerator::global()->bounded(INT_MAX)));
    job.prompt = m_prompt->toPlainText().trimmed().toStdString();
    job.addedPrompt = m_added->text().toStdString();
    job.negativePrompt = m_negative->text().toStdString();
    job.seed = static_cast<uint64_t>(m_seed->value());
    job.steps = m_steps->value();
    job.cfg = m_cfg->value();
    const bool match = m_matchPhoto->isChecked();
    job.width = match ? 0 : m_width->value();  // 0 x 0: fitted to the photo by the engine
    job.height = match ? 0 : m_height->value();
    job.crop = m_crop->isChecked();
    job.outputSize = m_outputSize->outputSize();
    job.lowresDenoise = m_lowresDenoise->value();
    job.highresScale = m_highresScale->value();
    job.highresDenoise = m_highresDenoise->value();
    writeSampling(job);
    job.mode = mode() == StudioMode::Inpaint ? core::RelightMode::Inpaint : core::RelightMode::Subject;
    job.fbcBackground = mode() == StudioMode::MatchBackground
                            ? static_cast<core::FbcBackground>(m_fbcBackground->currentData().toInt())
                            : core::FbcBackground::LightMap;
    const bool upload = job.fbcBackground == core::FbcBackground::Upload ||
                        job.fbcBackground == core::FbcBackground::UploadFlipped;
    if (upload) job.background = m_background->background();
    job.keepUnmasked = m_keepUnmasked->isChecked();
    job.transparent = m_transparent->isChecked();
    job.keepColour = m_keepColour->isChecked() && m_keepColour->isEnabled() ? 1.0 : 0.0;
    job.detailPreserve = m_detail->value() / 100.0;
}

void PromptPanel::readFrom(const core::RelightJob& job) {
    m_prompt->setPlainText(QString::fromStdString(job.prompt));
    m_added->setText(QString::fromStdString(job.addedPrompt));
    m_negative->setText(QString::fromStdString(job.negativePrompt));
    m_randomSeed->setChecked(false);
    m_seed->setValue(static_cast<int>(std::min<uint64_t>(job.seed, INT_MAX)));
    m_steps->setValue(job.steps);
    m_cfg->setValue(job.cfg);
    const bool fitted = job.width <= 0 || job.height <= 0;  // the engine fitted it to the photo
    m_matchPhoto->setChecked(fitted);
    if (!fitted) {
        m_width->setValue(job.width);
        m_height->setValue(job.height);
    }
    m_crop->setChecked(job.crop);
    m_outputSize->setOutputSize(job.outputSize);
    m_lowresDenoise->setValue(job.lowresDenoise);
    m_highresScale->setValue(job.highresScale);
    m_highresDenoise->setValue(job.highresDenoise);
    {
        const QSignalBlocker block(m_fast);
        m_fast->setChecked(m_fast->isEnabled() && core::isFastPreset(job));
    }
    readSampling(job);
    StudioMode mode = job.mode == core::RelightMode::Inpaint ? StudioMode::Inpaint : StudioMode::Subject;
    if (job.fbcBackground != core::FbcBackground::LightMap) {
        mode = StudioMode::MatchBackground;
        m_fbcBackground->setCurrentIndex(std::max(0, m_fbcBackground->findData(static_cast<int>(job.fbcBackground))));
    }
    m_lastMode = mode;  // the job's own steps and CFG stay: no mode defaults on restore
    m_mode->setCurrentIndex(m_mode->findData(static_cast<int>(mode)));
    m_steps->setValue(job.steps);
    m_cfg->setValue(job.cfg);
    m_keepUnmasked->setChecked(job.keepUnmasked);
    m_transparent->setChecked(job.transparent);
    m_keepColour->setChecked(job.keepColour > 0.0);
    m_detail->setValue(static_cast<int>(std::lround(job.detailPreserve * 100)));
}

}  // namespace chiaro::gui
