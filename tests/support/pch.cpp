// Compiles the precompiled header that every test binary reuses (see
// tests/CMakeLists.txt); it has no code of its own.
