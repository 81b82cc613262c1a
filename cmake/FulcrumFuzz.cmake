# FULCRUM_FUZZ: the libFuzzer targets of fuzz/. libFuzzer comes with clang
# only. Every library is built with coverage instrumentation and ASan+UBSan
# (set here, before the libraries are added), so that the fuzzer sees the
# branches of the readers and any memory error or undefined behaviour in them
# stops the run.
option(FULCRUM_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

set(FULCRUM_FUZZ_TARGETS OFF)
if(FULCRUM_FUZZ)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(FULCRUM_FUZZ_TARGETS ON)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                        -fno-omit-frame-pointer -g)
    add_link_options(-fsanitize=address,undefined)
  else()
    message(WARNING
      "FULCRUM_FUZZ=ON needs clang (libFuzzer is part of clang), but the C++ compiler is "
      "${CMAKE_CXX_COMPILER_ID}: the fuzz targets are not built. Configure a fresh build "
      "directory with -DCMAKE_CXX_COMPILER=clang++, or use scripts/fuzz.sh.")
  endif()
endif()
