// The version and commit CMake passes in (experiment/CMakeLists.txt).
#include "fulcrum/experiment/build_info.hpp"

#ifndef FULCRUM_VERSION
#define FULCRUM_VERSION "unknown"
#endif
#ifndef FULCRUM_GIT_COMMIT
#define FULCRUM_GIT_COMMIT "unknown"
#endif

namespace fulcrum::experiment {

const char* fulcrum_version() { return FULCRUM_VERSION; }

const char* fulcrum_git_commit() { return FULCRUM_GIT_COMMIT; }

}  // namespace fulcrum::experiment
