// main() of the tests run under mpirun: MPI for the whole run, GoogleTest's
// report from rank 0 only (each rank's failures are still printed), the
// trainers' logs at warnings, and a
// short timeout, so that ranks that fell out of step end the job instead of
// waiting for the default five minutes.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "fulcrum/distributed/session.hpp"

int main(int argc, char** argv) {
  fulcrum::distributed::Session session(argc, argv, {.timeout = 60.0});
  testing::InitGoogleTest(&argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const auto world = fulcrum::distributed::world();
  if (!world->is_root()) {
    testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
