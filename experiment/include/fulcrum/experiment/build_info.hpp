#pragma once
// Which fulcrum made a report: the version and the git commit, fixed when
// CMake configured the build (a commit made since then is not seen until the
// next configure).

namespace fulcrum::experiment {

/// The project version ("0.1.0").
const char* fulcrum_version();

/// The abbreviated commit of the source tree, with "-dirty" when it had
/// uncommitted changes; "unknown" when git or the repository was not there.
const char* fulcrum_git_commit();

}  // namespace fulcrum::experiment
