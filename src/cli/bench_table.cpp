#include "bench_table.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace chiaro::cli {

std::string formatBenchTable(const std::vector<BenchRow>& rows) {
    size_t nameWidth = 4;
    for (const auto& r : rows) nameWidth = std::max(nameWidth, r.section.size() + r.name.size() + 2);
    std::string out;
    char line[512];
    std::snprintf(line, sizeof(line), "%-*s %12s  %s\n", static_cast<int>(nameWidth), "what", "ms", "note");
    out += line;
    out += std::string(nameWidth + 16, '-') + "\n";
    for (const auto& r : rows) {
        std::string label = r.section + ": " + r.name;
        std::snprintf(line, sizeof(line), "%-*s %12.2f  %s\n", static_cast<int>(nameWidth), label.c_str(),
                      r.milliseconds, r.note.c_str());
        out += line;
    }
    return out;
}

std::string formatBenchJson(const std::vector<BenchRow>& rows) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
        out.push_back({{"section", r.section}, {"name", r.name}, {"ms", r.milliseconds}, {"note", r.note}});
    }
    return out.dump(1);
}

}  // namespace chiaro::cli
