// The version CMake passes in and the commit written at every build
// (cmake/FulcrumGitCommit.cmake; train/CMakeLists.txt).
#include "fulcrum/train/build_info.hpp"

#include "fulcrum_git_commit.hpp"  // FULCRUM_GIT_COMMIT

namespace fulcrum::train {

const char* fulcrum_version() { return FULCRUM_VERSION; }

const char* fulcrum_git_commit() {
  constexpr const char* kCommit = FULCRUM_GIT_COMMIT;
  return kCommit[0] != '\0' ? kCommit : "unknown";
}

}  // namespace fulcrum::train
