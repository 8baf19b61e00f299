#include "arg_parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "chiaro/core/error.h"

namespace chiaro::cli {
using core::Error;
using core::ErrorCode;

ArgParser::ArgParser(std::string command, std::string summary)
    : m_command(std::move(command)), m_summary(std::move(summary)) {
    addFlag("help", "show this help");
    addFlag("json", "print machine-readable JSON results");
    addFlag("verbose", "log debug messages to stderr");
}

void ArgParser::addFlag(const std::string& name, const std::string& help) {
    m_specs.push_back({name, "", help, std::nullopt});
}

void ArgParser::addOption(const std::string& name, const std::string& valueName,
                          const std::string& help, std::optional<std::string> defaultValue) {
    m_specs.push_back({name, valueName, help, std::move(defaultValue)});
}

void ArgParser::addPositional(const std::string& name, const std::string& help, bool required) {
    m_positionalSpecs.push_back({name, help, required});
}

const ArgParser::Spec* ArgParser::find(const std::string& name) const {
    for (const auto& spec : m_specs) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

bool ArgParser::parse(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() > 2 && arg.rfind("--", 0) == 0) {
            std::string name = arg.substr(2);
            std::optional<std::string> inlineValue;
            if (auto eq = name.find('='); eq != std::string::npos) {
                inlineValue = name.substr(eq + 1);
                name = name.substr(0, eq);
            }
            const Spec* spec = find(name);
            if (!spec) {
                throw Error(ErrorCode::Usage, m_command + ": unknown option --" + name);
            }
            if (spec->valueName.empty()) {
                if (inlineValue) {
                    throw Error(ErrorCode::Usage, m_command + ": --" + name + " takes no value");
                }
                m_values[name] = "1";
            } else if (inlineValue) {
                m_values[name] = *inlineValue;
                m_repeated[name].push_back(*inlineValue);
            } else {
                if (i + 1 >= args.size()) {
                    throw Error(ErrorCode::Usage,
                                m_command + ": --" + name + " needs a value (" + spec->valueName + ")");
                }
                m_values[name] = args[++i];
                m_repeated[name].push_back(m_values[name]);
            }
        } else if (arg == "-o") {
            if (!find("output")) throw Error(ErrorCode::Usage, m_command + ": unknown option -o");
            if (i + 1 >= args.size()) throw Error(ErrorCode::Usage, m_command + ": -o needs a path");
            m_values["output"] = args[++i];
        } else if (arg == "-h") {
            m_values["help"] = "1";
        } else {
            m_positionalValues.push_back(arg);
        }
    }
    if (isSet("help")) return false;
    size_t required = 0;
    for (const auto& p : m_positionalSpecs) required += p.required ? 1 : 0;
    if (m_positionalValues.size() < required) {
        throw Error(ErrorCode::Usage,
                    m_command + ": missing " + m_positionalSpecs[m_positionalValues.size()].name);
    }
    if (m_positionalValues.size() > m_positionalSpecs.size()) {
        throw Error(ErrorCode::Usage, m_command + ": unexpected argument '" +
                                          m_positionalValues[m_positionalSpecs.size()] + "'");
    }
    return true;
}

bool ArgParser::isSet(const std::string& name) const { return m_values.count(name) != 0; }

std::optional<std::string> ArgParser::optional(const std::string& name) const {
    if (auto it = m_values.find(name); it != m_values.end()) return it->second;
    if (const Spec* spec = find(name); spec && spec->defaultValue) return spec->defaultValue;
    return std::nullopt;
}

std::string ArgParser::value(const std::string& name) const {
    if (auto v = optional(name)) return *v;
    throw Error(ErrorCode::Usage, m_command + ": --" + name + " is required");
}

std::string ArgParser::valueOr(const std::string& name, const std::string& fallback) const {
    auto v = optional(name);
    return v ? *v : fallback;
}

std::vector<std::string> ArgParser::values(const std::string& name) const {
    if (auto it = m_repeated.find(name); it != m_repeated.end()) return it->second;
    return {};
}

int ArgParser::intValue(const std::string& name, int fallback) const {
    auto v = optional(name);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    long parsed = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || errno == ERANGE || parsed < -2147483647L || parsed > 2147483647L) {
        throw Error(ErrorCode::Usage, m_command + ": --" + name + " expects an integer, got '" + *v + "'");
    }
    return static_cast<int>(parsed);
}

double ArgParser::doubleValue(const std::string& name, double fallback) const {
    auto v = optional(name);
    if (!v) return fallback;
    char* end = nullptr;
    double parsed = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || !std::isfinite(parsed)) {
        throw Error(ErrorCode::Usage, m_command + ": --" + name + " expects a number, got '" + *v + "'");
    }
    return parsed;
}

std::string ArgParser::positional(size_t index) const {
    if (index < m_positionalValues.size()) return m_positionalValues[index];
    throw Error(ErrorCode::Usage, m_command + ": missing argument " + std::to_string(index + 1));
}

std::string ArgParser::helpText() const {
    std::ostringstream out;
    out << "usage: chiaro-cli " << m_command;
    for (const auto& p : m_positionalSpecs) out << (p.required ? " " : " [") << p.name << (p.required ? "" : "]");
    out << " [options]\n\n" << m_summary << "\n";
    if (!m_positionalSpecs.empty()) {
        out << "\narguments:\n";
        for (const auto& p : m_positionalSpecs) out << "  " << p.name << "\n      " << p.help << "\n";
    }
    out << "\noptions:\n";
    for (const auto& s : m_specs) {
        out << "  --" << s.name;
        if (!s.valueName.empty()) out << " " << s.valueName;
        out << "\n      " << s.help;
        if (s.defaultValue) out << " (default: " << *s.defaultValue << ")";
        out << "\n";
    }
    return out.str();
}

}  // namespace chiaro::cli
