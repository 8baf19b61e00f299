#include "commands.h"

namespace chiaro::cli {

const std::vector<CommandInfo>& allCommands() {
    static const std::vector<CommandInfo> commands = {
        {"relight", "relight a photo with the diffusion engine (IC-Light fc/fbc)", runRelight},
        {"preview", "instant weight-free relight with a chosen light direction", runPreview},
        {"estimate-light", "estimate the dominant light direction of a photo (JSON)", runEstimateLight},
        {"mask", "automatic subject selection: write a mask PNG", runMask},
        {"batch", "relight a folder of photos through the persistent job queue", runBatch},
        {"lightmap", "write the initial light map for a direction", runLightmap},
        {"tokenize", "print the CLIP token ids of a text (JSON)", runTokenize},
        {"info", "print the job embedded in a Chiaro PNG (JSON)", runInfo},
        {"models", "model bundle tools: models check DIR, models import BASE", runModels},
        {"bench", "print a timing table of the engine and the light model", runBench},
    };
    return commands;
}

}  // namespace chiaro::cli
