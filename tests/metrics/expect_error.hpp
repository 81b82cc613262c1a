#pragma once
// EXPECT that a call throws a given fulcrum error whose message names every
// one of `parts` (the function, the argument, the shapes or the bad element).

#include <gtest/gtest.h>

#include "support/errors.hpp"

#include <initializer_list>
#include <string>

namespace fulcrum::metrics::testing {

using fulcrum::testing::expect_error;

}  // namespace fulcrum::metrics::testing
