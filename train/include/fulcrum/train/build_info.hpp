#pragma once
// Which fulcrum made a run or a report: the version and the git commit the
// library was built from.

namespace fulcrum::train {

/// The project version ("0.1.0").
const char* fulcrum_version();

/// The abbreviated commit of the source tree at build time, with "-dirty"
/// when it had uncommitted changes; "unknown" when git or the repository was
/// not there.
const char* fulcrum_git_commit();

}  // namespace fulcrum::train
