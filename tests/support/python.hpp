#pragma once
// Tests that run Python (with numpy and torch: Debian's python3-numpy and
// python3-torch, which `scripts/setup.sh test` installs; a few need more
// modules). The including target defines FULCRUM_PYTHON, the interpreter's
// path (tests/CMakeLists.txt).
// Without the modules a test skips, except in CI (CI set), where a skip would
// hide that nothing was checked.

#include <cstdlib>
#include <sstream>
#include <string>

namespace fulcrum::testing {

/// What keeps `python -c "import <modules>"` from working, or "" when nothing
/// does. `modules` is a comma-separated list ("numpy, torch"); the message
/// names Debian's package of each (python3-numpy, python3-torch).
inline std::string python_missing(const std::string& python, const std::string& modules) {
  const std::string command = "'" + python + "' -c 'import " + modules + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) == 0) return {};
  std::string packages;
  std::istringstream names(modules);
  for (std::string name; std::getline(names, name, ',');) {
    name.erase(0, name.find_first_not_of(' '));
    packages += " python3-" + name;
  }
  return python + " cannot import " + modules + " (apt-get install" + packages + ")";
}

}  // namespace fulcrum::testing

/// Skips the running test when FULCRUM_PYTHON lacks `modules`, or fails it in CI.
#define FULCRUM_REQUIRE_PYTHON(modules)                                                        \
  if (const std::string missing = ::fulcrum::testing::python_missing(FULCRUM_PYTHON, modules); \
      !missing.empty()) {                                                                      \
    if (std::getenv("CI") != nullptr) FAIL() << missing;                                       \
    GTEST_SKIP() << missing;                                                                   \
  }
