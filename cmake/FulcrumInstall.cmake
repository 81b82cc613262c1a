# Installs fulcrum as a CMake package, so an outside project can write
#
#   find_package(fulcrum CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE fulcrum::fulcrum)
#
# The targets themselves are put in the export set `fulcrumTargets` where they
# are defined (fulcrum_library in cmake/FulcrumWarnings.cmake, fulcrum_fulcrum in
# train/). This file only installs that set and writes the config files around
# it. It is included at the end of the top-level CMakeLists.txt, after every
# library exists, because it reads their link interfaces.
#
# Which packages the config file must find again is worked out from the
# libraries' link interfaces, so a new library or a new PUBLIC dependency needs
# no change here, unless that dependency comes from a package not yet in the
# table of fulcrum_dependency_call below (configuring then stops and says so).

include(CMakePackageConfigHelpers)

set(FULCRUM_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/fulcrum"
    CACHE STRING "Where fulcrumConfig.cmake is installed, relative to the prefix")
mark_as_advanced(FULCRUM_INSTALL_CMAKEDIR)

# Every target defined in `dir` and below.
function(fulcrum_collect_targets dir out_var)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    fulcrum_collect_targets("${subdir}" sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out_var} ${targets} PARENT_SCOPE)
endfunction()

# The find_dependency() line that brings back the link item `dep` of an
# exported target, or "" if it needs none (fulcrum's own targets, plain library
# names like m, flags). Decided by name: an imported target found in a
# subdirectory is not visible here, so if(TARGET) cannot be used.
function(fulcrum_dependency_call dep out_var)
  set(call "")
  if(dep MATCHES "^Eigen3::")
    set(call "find_dependency(Eigen3 3.3 NO_MODULE)")
  elseif(dep MATCHES "^OpenMP::")
    set(call "find_dependency(OpenMP COMPONENTS CXX)")
  elseif(dep MATCHES "^fmt::")
    set(call "find_dependency(fmt)")
  elseif(dep MATCHES "^spdlog::")
    set(call "find_dependency(spdlog)")
  elseif(dep MATCHES "^yaml-cpp(::.*)?$")
    set(call "find_dependency(yaml-cpp)")
  elseif(dep MATCHES "^nlohmann_json::")
    set(call "find_dependency(nlohmann_json 3)")
  elseif(dep MATCHES "^CLI11::")
    set(call "find_dependency(CLI11)")
  elseif(dep MATCHES "^protobuf::")
    set(call "find_dependency(Protobuf)")
  elseif(dep STREQUAL "onnx_proto")  # ONNX's config names its targets without a namespace
    set(call "find_dependency(ONNX CONFIG)")
  elseif(dep MATCHES "^MPI::")
    set(call "set(MPI_CXX_SKIP_MPICXX ON)\nfind_dependency(MPI COMPONENTS CXX)")
  elseif(dep MATCHES "^Threads::")
    set(call "find_dependency(Threads)")
  elseif(dep MATCHES "::" AND NOT dep MATCHES "^fulcrum::")
    message(FATAL_ERROR
      "fulcrum's installed package would depend on the imported target '${dep}', "
      "but cmake/FulcrumInstall.cmake does not know which package provides it. "
      "Add it to the table in fulcrum_dependency_call().")
  endif()
  set(${out_var} "${call}" PARENT_SCOPE)
endfunction()

# Exported targets are the ones given an EXPORT_NAME (fulcrum_library and
# fulcrum_fulcrum do that; test and app targets do not).
fulcrum_collect_targets("${PROJECT_SOURCE_DIR}" _fulcrum_all_targets)
# These four are always needed: the top-level project requires them and
# fulcrum's public headers may use them.
set(_fulcrum_dependency_calls
  "find_dependency(Eigen3 3.3 NO_MODULE)"
  "find_dependency(OpenMP COMPONENTS CXX)"
  "find_dependency(fmt)"
  "find_dependency(spdlog)")
foreach(_target IN LISTS _fulcrum_all_targets)
  get_target_property(_export_name ${_target} EXPORT_NAME)
  if(NOT _export_name)
    continue()
  endif()
  # Static libraries also export their PRIVATE deps as $<LINK_ONLY:dep>; the
  # consumer links them too, so those packages are needed as well.
  get_target_property(_deps ${_target} INTERFACE_LINK_LIBRARIES)
  foreach(_dep IN LISTS _deps)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" _dep "${_dep}")
    # What is only linked in the build tree is not part of the package.
    if(_dep MATCHES "^\\$<BUILD_INTERFACE:")
      continue()
    endif()
    string(REGEX REPLACE "^\\$<INSTALL_INTERFACE:(.*)>$" "\\1" _dep "${_dep}")
    fulcrum_dependency_call("${_dep}" _call)
    if(_call)
      list(APPEND _fulcrum_dependency_calls "${_call}")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES _fulcrum_dependency_calls)
list(JOIN _fulcrum_dependency_calls "\n" FULCRUM_FIND_DEPENDENCIES)

install(EXPORT fulcrumTargets
        NAMESPACE fulcrum::
        FILE fulcrumTargets.cmake
        DESTINATION "${FULCRUM_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/fulcrumConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/fulcrumConfig.cmake"
  INSTALL_DESTINATION "${FULCRUM_INSTALL_CMAKEDIR}")

# 0.x releases may break the API between minor versions, so a request for 0.1
# accepts 0.1.z only.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/fulcrumConfigVersion.cmake"
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)

install(FILES
          "${PROJECT_BINARY_DIR}/fulcrumConfig.cmake"
          "${PROJECT_BINARY_DIR}/fulcrumConfigVersion.cmake"
        DESTINATION "${FULCRUM_INSTALL_CMAKEDIR}")
