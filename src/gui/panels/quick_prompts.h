#pragma once
// IC-Light's quick prompt lists (ICLIGHT_PIPELINE.md "Quick prompts"), one click away in the prompt panel.
#include <QStringList>

namespace chiaro::gui {

inline QStringList quickLightingPrompts() {
    return {"sunshine from window", "neon light, city", "sunset over sea", "golden time",
            "sci-fi RGB glowing, cyberpunk", "natural lighting", "warm atmosphere, at home, bedroom",
            "magic lit", "evil, gothic, Yharnam", "light and shadow", "shadow from window",
            "soft studio lighting", "home atmosphere, cozy bedroom illumination",
            "neon, Wong Kar-wai, warm"};
}

inline QStringList quickSubjectPrompts() {
    return {"beautiful woman, detailed face", "handsome man, detailed face"};
}

// Appends `phrase` to a comma-separated prompt (no doubled commas, no duplicate phrase).
inline QString appendPromptPhrase(const QString& prompt, const QString& phrase) {
    const QString trimmed = prompt.trimmed();
    if (trimmed.isEmpty()) return phrase;
    if (trimmed.contains(phrase)) return trimmed;
    return trimmed.endsWith(',') ? trimmed + ' ' + phrase : trimmed + ", " + phrase;
}

}  // namespace chiaro::gui
