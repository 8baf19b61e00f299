#pragma once
// Where Chiaro keeps things on the user's disk. Nothing here touches the network.
#include <string>

namespace chiaro::core {

// $XDG_DATA_HOME/chiaro, else ~/.local/share/chiaro (created on demand by callers that write).
std::string userDataDir();

// The model bundle folder used when none is given: $CHIARO_MODELS, else userDataDir()/models.
std::string defaultModelsDir();

// Number of hardware threads, at least 1.
int hardwareThreads();

}  // namespace chiaro::core
