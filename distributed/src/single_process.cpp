// SingleProcess: the communicator of a job of one process.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "fulcrum/distributed/communicator.hpp"

namespace fulcrum::distributed {

namespace {

void check_root(int root) {
  FULCRUM_CHECK(root == 0, "broadcast from rank {} in a job of one process (rank 0)", root);
}

}  // namespace

void SingleProcess::broadcast(std::span<float>, int root) { check_root(root); }

void SingleProcess::broadcast(std::string&, int root) { check_root(root); }

void SingleProcess::send(int destination, std::span<const int64_t>) {
  throw DistributedError(
      fmt::format("send to rank {} in a job of one process: there is no other rank", destination));
}

void SingleProcess::receive(int source, std::span<int64_t>) {
  throw DistributedError(
      fmt::format("receive from rank {} in a job of one process: there is no other rank", source));
}

void SingleProcess::abort(int exit_code, std::string_view message) {
  std::fflush(stdout);
  std::fputs(fmt::format("fulcrum: error: {}\n", message).c_str(), stderr);
  std::exit(exit_code);
}

}  // namespace fulcrum::distributed
