// Output naming for batches: {name} {stem} {light} {seed} {index} {date} placeholders, sanitised to
// one safe file name.
#include <cmath>
#include <ctime>
#include <string>

#include "chiaro/core/error.h"
#include "chiaro/jobs/batch_plan.h"

namespace chiaro::core {
namespace {

std::string formatDegrees(double value) {
    const double rounded = std::round(value * 10.0) / 10.0;
    char text[32];
    if (rounded == std::floor(rounded))
        std::snprintf(text, sizeof(text), "%.0f", rounded);
    else
        std::snprintf(text, sizeof(text), "%.1f", rounded);
    return text;
}

std::string lightText(const std::optional<LightDirection>& light) {
    if (!light)
        return "none";
    return "az" + formatDegrees(light->azimuth) + "_el" + formatDegrees(light->elevation);
}

std::string today() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[16];
    std::strftime(text, sizeof(text), "%Y%m%d", &local);
    return text;
}

// One file name: separators and characters Windows or shells choke on become '_', and a leading
// dot is replaced so results are never hidden (hidden names are reserved for temporary files).
std::string sanitise(std::string name) {
    for (char& c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
            c == '<' || c == '>' || c == '|') {
            c = '_';
        }
    }
    if (!name.empty() && name[0] == '.')
        name[0] = '_';
    return name;
}

bool endsWithPng(const std::string& name) {
    if (name.size() < 4)
        return false;
    std::string ext = name.substr(name.size() - 4);
    for (char& c : ext)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".png";
}

}  // namespace

std::string expandNamePattern(const std::string& pattern,
                              const std::string& relativeName,
                              const std::optional<LightDirection>& light,
                              uint64_t seed,
                              int index) {
    const auto slash = relativeName.find_last_of('/');
    const std::string stem =
        slash == std::string::npos ? relativeName : relativeName.substr(slash + 1);
    std::string out;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '}')
            throw Error(ErrorCode::Usage, "--name pattern '" + pattern + "': unmatched '}'");
        if (pattern[i] != '{') {
            out += pattern[i];
            continue;
        }
        const size_t close = pattern.find('}', i);
        if (close == std::string::npos)
            throw Error(ErrorCode::Usage, "--name pattern '" + pattern + "': unmatched '{'");
        const std::string key = pattern.substr(i + 1, close - i - 1);
        if (key == "name")
            out += relativeName;
        else if (key == "stem")
            out += stem;
        else if (key == "light")
            out += lightText(light);
        else if (key == "seed")
            out += std::to_string(seed);
        else if (key == "index")
            out += std::to_string(index);
        else if (key == "date")
            out += today();
        else
            throw Error(ErrorCode::Usage, "--name pattern '" + pattern +
                                              "': unknown placeholder {" + key +
                                              "} (use name, stem, light, seed, index, date)");
        i = close;
    }
    out = sanitise(out);
    if (out.empty() || out == "_")
        throw Error(ErrorCode::Usage, "--name pattern '" + pattern + "' gives an empty file name");
    if (!endsWithPng(out))
        out += ".png";
    return out;
}

}  // namespace chiaro::core
