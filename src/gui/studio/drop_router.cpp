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

DropAction routeDrop(DropKind kind, const DropContext& context) {
    const bool image = kind == DropKind::Photo || kind == DropKind::ChiaroResult;
    if (image && (context.shift || (context.hasPhoto && context.matchBackground))) return DropAction::SetBackground;
    switch (kind) {
        case DropKind::Photo: return DropAction::OpenPhoto;
        case DropKind::ChiaroResult: return DropAction::RestoreJob;
        case DropKind::Mask: return DropAction::LoadMask;
        case DropKind::Folder: return DropAction::OpenBatchFolder;
        case DropKind::Unsupported: break;
    }
    return DropAction::Ignore;
}

std::vector<DropAction> routeDrop(const std::vector<DropKind>& kinds, DropContext context) {
    std::vector<DropAction> actions;
    bool photoOpened = false, backgroundSet = false;
    for (DropKind kind : kinds) {
        DropAction action = routeDrop(kind, context);
        // One photo and one background per drop: further images are ignored, not opened in turn.
        if ((action == DropAction::OpenPhoto && photoOpened) || (action == DropAction::SetBackground && backgroundSet))
            action = DropAction::Ignore;
        photoOpened = photoOpened || action == DropAction::OpenPhoto;
        backgroundSet = backgroundSet || action == DropAction::SetBackground;
        context.hasPhoto = context.hasPhoto || photoOpened;
        actions.push_back(action);
    }
    return actions;
}

}  // namespace chiaro::gui
