# cmake -P run_consumer.cmake: the body of the package.consumer test.
#
# Requires: FULCRUM_BUILD_DIR (a fully built fulcrum build tree),
#   CONSUMER_SOURCE_DIR, WORK_DIR (each run works in a new directory in it,
#   removed when the run passes),
#   optionally FULCRUM_CONFIG, CXX_COMPILER, CXX_FLAGS, EXE_LINKER_FLAGS (the
#   build tree's, e.g. sanitizer flags its libraries need) and GENERATOR.
# Ensures: fails (non-zero exit, with the failing step's output) unless
#   1. `cmake --install` of the build tree into WORK_DIR/prefix succeeds,
#   2. the consumer project configures against that prefix alone, finding
#      fulcrum there (not in the source or build tree),
#   3. it builds, and 4. it runs and exits 0.

foreach(var FULCRUM_BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: pass -D${var}=...")
  endif()
endforeach()
if(NOT DEFINED FULCRUM_CONFIG OR FULCRUM_CONFIG STREQUAL "")
  set(FULCRUM_CONFIG Release)
endif()

# Each run in a fresh directory of its own under WORK_DIR (mktemp), so that two
# test runs of one build tree at once do not install over each other.
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND mktemp -d "${WORK_DIR}/run.XXXXXX" OUTPUT_VARIABLE WORK_DIR
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE made)
if(NOT made EQUAL 0)
  message(FATAL_ERROR "run_consumer.cmake: mktemp -d under ${WORK_DIR} failed")
endif()
set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")

# Runs one step; on failure prints its full output and stops the test.
function(run_step name)
  message(STATUS "[package] ${name}: ${ARGN}")
  execute_process(COMMAND ${ARGN}
                  RESULT_VARIABLE result
                  OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    # Plain message() prints the output verbatim; FATAL_ERROR would re-wrap it.
    message("[package] output of step '${name}':\n${output}")
    message(FATAL_ERROR "[package] step '${name}' failed (${result}); its output is above.")
  endif()
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

# 1. Install.
run_step(install
  "${CMAKE_COMMAND}" --install "${FULCRUM_BUILD_DIR}" --prefix "${prefix}"
                     --config "${FULCRUM_CONFIG}")
file(GLOB_RECURSE config_file "${prefix}/*/fulcrumConfig.cmake")
if(NOT config_file)
  message(FATAL_ERROR "[package] the install put no fulcrumConfig.cmake under ${prefix}")
endif()
if(NOT EXISTS "${prefix}/include/fulcrum/fulcrum.hpp")
  message(FATAL_ERROR "[package] the install put no include/fulcrum/fulcrum.hpp under ${prefix}")
endif()

# 2. Configure the consumer against the prefix only: no package registry, so a
# fulcrum found anywhere else would be a bug in this test or in the install.
set(configure_args
  -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build}"
  "-DCMAKE_PREFIX_PATH=${prefix}"
  "-DCMAKE_BUILD_TYPE=${FULCRUM_CONFIG}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(GENERATOR)
  list(APPEND configure_args -G "${GENERATOR}")
endif()
if(CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(CXX_FLAGS)
  list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
endif()
if(EXE_LINKER_FLAGS)
  list(APPEND configure_args "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}")
endif()
run_step(configure "${CMAKE_COMMAND}" ${configure_args})

file(STRINGS "${consumer_build}/CMakeCache.txt" found_dir REGEX "^fulcrum_DIR:")
string(REGEX REPLACE "^fulcrum_DIR:[A-Z]+=" "" found_dir "${found_dir}")
file(REAL_PATH "${prefix}" real_prefix)
if(EXISTS "${found_dir}")
  file(REAL_PATH "${found_dir}" found_dir)
endif()
string(FIND "${found_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR
    "[package] the consumer found fulcrum in '${found_dir}', not under '${real_prefix}'")
endif()

# 3. Build.
run_step(build "${CMAKE_COMMAND}" --build "${consumer_build}" --config "${FULCRUM_CONFIG}")

# 4. Run.
set(exe "${consumer_build}/fulcrum_consumer")
if(NOT EXISTS "${exe}")
  set(exe "${consumer_build}/${FULCRUM_CONFIG}/fulcrum_consumer")
endif()
run_step(run "${exe}")
message(STATUS "[package] consumer output:\n${step_output}")
file(REMOVE_RECURSE "${WORK_DIR}")
