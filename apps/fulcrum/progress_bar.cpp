#include "progress_bar.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace fulcrum::cli {

namespace {
constexpr int kBarWidth = 24;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
}  // namespace

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void ProgressBar::update(const train::BatchProgress& p) {
  if (!enabled_) return;
  if (p.batch >= p.batches) {
    clear();
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  const auto filled = static_cast<int>(kBarWidth * p.batch / (p.batches > 0 ? p.batches : 1));
  const std::string bar = std::string(static_cast<size_t>(filled), '#') +
                          std::string(static_cast<size_t>(kBarWidth - filled), '.');
  std::fputs(fmt::format("\r\033[Kepoch {}/{} [{}] {}/{}  loss {:.4f}  {:.0f} samples/s", p.epoch,
                         p.epochs, bar, p.batch, p.batches, p.loss, p.samples_per_second)
                 .c_str(),
             stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace fulcrum::cli
