# fulcrum_library(NAME SOURCES... DEPS... [PRIVATE_DEPS...]): one library per
# top-level folder. Headers live in <folder>/include/fulcrum/<folder>/ and
# install as <fulcrum/...>. DEPS are what the public headers use; PRIVATE_DEPS
# only the sources (a header-only one belongs inside $<BUILD_INTERFACE:...>, so
# that the installed package does not ask for it).

function(fulcrum_set_options target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    $<$<BOOL:${FULCRUM_WERROR}>:-Werror>)
  if(FULCRUM_NATIVE)
    target_compile_options(${target} PRIVATE -march=native)
    # GCC 12 reports false "may be used uninitialized" warnings inside its own
    # AVX-512 intrinsics when Eigen's GEMM kernels are inlined on such machines.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
    # GCC 12 on AVX-512 machines miscompiles small constant vectors built in a
    # loop: with -O2 -mavx512f, `std::vector<double>{1, 1, 0, 0}` constructed
    # twice in a loop holds {1, 1, 1, 1} the second time (the SLP vectoriser
    # materialises the constant as a broadcast). Found by a metrics test; GCC 13
    # does not need this.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -fno-tree-slp-vectorize)
    endif()
  endif()
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O3>)
endfunction()

function(fulcrum_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(fulcrum_${name} ${ARG_SOURCES})
  add_library(fulcrum::${name} ALIAS fulcrum_${name})
  set_target_properties(fulcrum_${name} PROPERTIES EXPORT_NAME ${name}
                        POSITION_INDEPENDENT_CODE ON)
  target_include_directories(fulcrum_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(fulcrum_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  # Consumers of the installed package inherit the C++20 requirement.
  target_compile_features(fulcrum_${name} PUBLIC cxx_std_20)
  fulcrum_set_options(fulcrum_${name})
  install(TARGETS fulcrum_${name} EXPORT fulcrumTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()
