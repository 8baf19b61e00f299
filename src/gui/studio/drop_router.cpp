#include "studio/drop_router.h"

#include <QFileInfo>
#include <QImageReader>

#include "chiaro/core/logging.h"
#include "chiaro/image/png_metadata.h"

namespace chiaro::gui {

std::optional<nlohmann::json> readChiaroJob(const QString& path) {
    try {
        const core::PngTextChunks chunks = core::readPngTextChunksFromFile(path.toStdString());
        std::string text;
        if (auto it = chunks.utf8.find("chiaro"); it != chunks.utf8.end()) text = it->second;
        else if (auto lt = chunks.latin1.find("chiaro"); lt != chunks.latin1.end()) text = core::latin1ToUtf8(lt->second);
        if (text.empty()) return std::nullopt;
        nlohmann::json json = nlohmann::json::parse(text);
        if (!json.is_object()) return std::nullopt;
        // The chunk holds either the job itself or {"job": {...}, ...} with bundle and version.
        if (json.contains("job") && json.at("job").is_object()) return json.at("job");
        return json;
    } catch (const std::exception& e) {
        core::namedLogger("gui")->debug("drop: {} has no readable chiaro chunk: {}", path.toStdString(), e.what());
        return std::nullopt;
    }
}

DropKind classifyDroppedPath(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) return DropKind::Folder;
    if (!info.isFile()) return DropKind::Unsupported;
    const QString name = info.fileName().toLower();
    if (name.endsWith("_mask.png")) return DropKind::Mask;
    if (name.endsWith(".png") && readChiaroJob(path)) return DropKind::ChiaroResult;
    if (!QImageReader::imageFormat(path).isEmpty()) return DropKind::Photo;
    return DropKind::Unsupported;
}

}  // namespace chiaro::gui
