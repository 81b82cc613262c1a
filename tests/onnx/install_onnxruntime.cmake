# The ctest fixture of the ONNX Runtime tests: installs runtime/package.json's
# onnxruntime-node with `npm ci` into DEST (a build-tree folder, never the
# source tree), unless the lock file installed there last is the current one.
# Run with -DSOURCE_DIR=<tests/onnx/runtime> -DDEST=<dir> -DNPM=<npm or "">.
#
# Without npm, or when the install fails, it warns and succeeds, so that the
# tests that need the runtime skip; under CI (CI set) it fails instead, since
# a skip there would hide that nothing was checked.
macro(give_up message)
  if(DEFINED ENV{CI})
    message(FATAL_ERROR "${message}")
  endif()
  message(WARNING "${message}; the ONNX Runtime tests will skip")
  return()
endmacro()

file(MAKE_DIRECTORY "${DEST}")
foreach(name package.json package-lock.json .npmrc run_onnx.cjs)
  configure_file("${SOURCE_DIR}/${name}" "${DEST}/${name}" COPYONLY)
endforeach()

set(stamp "${DEST}/node_modules/.fulcrum-installed-lock.json")
if(EXISTS "${stamp}" AND EXISTS "${DEST}/node_modules/onnxruntime-node")
  file(SHA256 "${stamp}" installed)
  file(SHA256 "${SOURCE_DIR}/package-lock.json" wanted)
  if(installed STREQUAL wanted)
    message(STATUS "onnxruntime-node is installed in ${DEST}")
    return()
  endif()
endif()

if(NOT NPM)
  give_up("npm not found (apt-get install npm, or Node.js 20 with npm)")
endif()
message(STATUS "installing onnxruntime-node into ${DEST} (npm ci)")
execute_process(COMMAND "${NPM}" ci WORKING_DIRECTORY "${DEST}" RESULT_VARIABLE result
                TIMEOUT 900)
if(NOT result EQUAL 0)
  give_up("npm ci of onnxruntime-node in ${DEST} failed (${result})")
endif()
configure_file("${SOURCE_DIR}/package-lock.json" "${stamp}" COPYONLY)
