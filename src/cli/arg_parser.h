#pragma once
// A small declarative parser for chiaro-cli subcommands: `--name value`, `--name=value`, flags and
// positionals, with a generated help text. Errors throw core::Error(Usage) naming the option.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace chiaro::cli {

class ArgParser {
public:
    ArgParser(std::string command, std::string summary);

    void addFlag(const std::string& name, const std::string& help);
    void addOption(const std::string& name, const std::string& valueName, const std::string& help,
                   std::optional<std::string> defaultValue = std::nullopt);
    void addPositional(const std::string& name, const std::string& help, bool required = true);

    // Parses the arguments after the subcommand name. Returns false when --help was given (the
    // help text is then printed to stdout by the caller).
    bool parse(const std::vector<std::string>& args);

    bool isSet(const std::string& name) const;
    std::optional<std::string> optional(const std::string& name) const;
    std::string value(const std::string& name) const;  // throws Usage when missing
    std::string valueOr(const std::string& name, const std::string& fallback) const;
    // Every value of an option given more than once, in order (value() returns the last one).
    std::vector<std::string> values(const std::string& name) const;
    int intValue(const std::string& name, int fallback) const;
    double doubleValue(const std::string& name, double fallback) const;
    std::vector<std::string> positionals() const { return m_positionalValues; }
    std::string positional(size_t index) const;

    std::string helpText() const;

private:
    struct Spec {
        std::string name;
        std::string valueName;  // empty for flags
        std::string help;
        std::optional<std::string> defaultValue;
    };
    struct PositionalSpec {
        std::string name;
        std::string help;
        bool required;
    };
    const Spec* find(const std::string& name) const;

    std::string m_command;
    std::string m_summary;
    std::vector<Spec> m_specs;
    std::vector<PositionalSpec> m_positionalSpecs;
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::vector<std::string>> m_repeated;
    std::vector<std::string> m_positionalValues;
};

}  // namespace chiaro::cli
