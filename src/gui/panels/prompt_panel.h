#pragma once
// The generation parameters: prompt (with IC-Light's quick prompts), added and negative prompts,
// seed, steps, CFG, working size, denoise strengths, sampler, mode, the fbc background slot and the
// output options (output size, crop; both remembered in QSettings under "output/"). writeTo()/readFrom()
// map the widgets to a core::RelightJob's parameters (never pixels, except the background image of
// the slot). "Match photo" writes width = height = 0: the engine fits the working size to the photo
// (core::workingSizeFor), and the spin boxes show that size.
#include <cstdint>

#include <QSize>
#include <QWidget>

#include "chiaro/pipeline/relight_job.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QSpinBox;

namespace chiaro::gui {

class BackgroundSlot;
class OutputSizeBox;

enum class StudioMode { Subject, Inpaint, MatchBackground };

class PromptPanel : public QWidget {
    Q_OBJECT
public:
    explicit PromptPanel(QWidget* parent = nullptr);

    // Fills the job's parameters. With "random seed" a fresh seed is drawn here (and shown).
    void writeTo(core::RelightJob& job);
    // Shows a job's parameters (seed fixed, so "restore" reproduces the result).
    void readFrom(const core::RelightJob& job);
    // The photo's size: "match photo" shows core::workingSizeFor of it, "Photo" output names it.
    void setPhotoSize(QSize size);
    // Why the output choice cannot run on this photo (a custom size over twice the photo), or empty.
    QString outputProblem() const;
    // Remembers the seed of the last result for "Reuse seed".
    void setLastSeed(uint64_t seed);
    StudioMode mode() const;

    QPlainTextEdit* promptEdit() const { return m_prompt; }
    BackgroundSlot* backgroundSlot() const { return m_background; }
    QCheckBox* randomSeedBox() const { return m_randomSeed; }
    QSpinBox* seedSpin() const { return m_seed; }
    QCheckBox* matchPhotoBox() const { return m_matchPhoto; }
    QSpinBox* widthSpin() const { return m_width; }
    QSpinBox* heightSpin() const { return m_height; }
    OutputSizeBox* outputSizeBox() const { return m_outputSize; }
    QCheckBox* cropBox() const { return m_crop; }
    QCheckBox* keepColourBox() const { return m_keepColour; }
    QComboBox* fbcBackgroundBox() const { return m_fbcBackground; }
    QSpinBox* stepsSpin() const { return m_steps; }
    QDoubleSpinBox* cfgSpin() const { return m_cfg; }
    QComboBox* samplerBox() const { return m_sampler; }
    QDoubleSpinBox* tcdGammaSpin() const { return m_tcdGamma; }
    QSpinBox* highresStepsSpin() const { return m_highresSteps; }
    QCheckBox* fastBox() const { return m_fast; }

    // Whether the loaded models carry a few-step LoRA (core::fastPresetAvailable): the Fast check
    // box is enabled only then; turning it off unchecks it and gives back the settings it replaced.
    void setFastAvailable(bool available);

Q_SIGNALS:
    void modeChanged(chiaro::gui::StudioMode mode);

private:
    QWidget* buildPromptBox();
    QWidget* buildSamplingBox();
    QWidget* buildOutputBox();
    void updateMatchedSize();
    void updatePhotoFrame();
    void saveOutputChoice() const;
    void applyModeDefaults(StudioMode previous, StudioMode next);
    void onSamplerChanged();
    void onFastToggled(bool on);
    void writeSampling(core::RelightJob& job) const;  // sampler, steps, CFG, gamma, highres steps
    void readSampling(const core::RelightJob& job);

    QPlainTextEdit* m_prompt = nullptr;
    QComboBox* m_quickLighting = nullptr;
    QComboBox* m_quickSubject = nullptr;
    QLineEdit* m_added = nullptr;
    QLineEdit* m_negative = nullptr;
    QSpinBox* m_seed = nullptr;
    QCheckBox* m_randomSeed = nullptr;
    QPushButton* m_reuseSeed = nullptr;
    QSpinBox* m_steps = nullptr;
    QDoubleSpinBox* m_cfg = nullptr;
    QSpinBox* m_width = nullptr;
    QSpinBox* m_height = nullptr;
    QCheckBox* m_matchPhoto = nullptr;
    QDoubleSpinBox* m_lowresDenoise = nullptr;
    QDoubleSpinBox* m_highresScale = nullptr;
    QDoubleSpinBox* m_highresDenoise = nullptr;
    QComboBox* m_sampler = nullptr;
    QDoubleSpinBox* m_tcdGamma = nullptr;   // enabled for tcd only
    QSpinBox* m_highresSteps = nullptr;     // 0 = the steps
    QCheckBox* m_fast = nullptr;            // the Fast preset (core::applyFastPreset)
    core::RelightJob m_beforeFast;          // sampler, steps, CFG, highres steps it replaced
    QComboBox* m_mode = nullptr;
    BackgroundSlot* m_background = nullptr;
    QComboBox* m_fbcBackground = nullptr;  // Match background: the image, mirrored, or flat grey
    StudioMode m_lastMode = StudioMode::Subject;
    QCheckBox* m_keepUnmasked = nullptr;
    QCheckBox* m_transparent = nullptr;
    QCheckBox* m_keepColour = nullptr;  // RelightJob::keepColour 1 / 0 (subject modes)
    QSlider* m_detail = nullptr;
    OutputSizeBox* m_outputSize = nullptr;
    QCheckBox* m_crop = nullptr;
    QSize m_photoSize;
    uint64_t m_lastSeed = 12345;
};

}  // namespace chiaro::gui
