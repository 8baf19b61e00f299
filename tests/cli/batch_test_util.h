#pragma once
// Shared by the `chiaro-cli batch` tests: small photo folders, the batch command line on the tiny
// fc bundle, output listings and checks, and child processes.
#include <sys/types.h>

#include <string>
#include <vector>

namespace chiaro::test::batch {

// `count` small photos (64.. px) cut from the shared sample photos, as PNG and JPEG.
void writePhotos(const std::string& dir, int count = 6);
std::vector<std::string> batchArgs(const std::string& in, const std::string& out,
                                   std::vector<std::string> extra = {});
// The final PNGs in `out` (no temporaries, no contact sheet), sorted.
std::vector<std::string> finalPngs(const std::string& out);
std::vector<std::string> temporaries(const std::string& out);
// Every output decodes and carries the job as JSON with its queue key.
void checkOutputs(const std::string& out, size_t expected);
// Starts chiaro-cli ARGS with stdout and stderr in `logPath`.
pid_t spawnCli(const std::vector<std::string>& args, const std::string& logPath);
std::string readText(const std::string& path);

}  // namespace chiaro::test::batch
