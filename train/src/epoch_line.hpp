#pragma once
// The line the trainer logs after each epoch. Not installed; the tests reach
// it through fulcrum_train_internal.
//
//   epoch 12/100  loss 0.3412  val labels.f1_macro 0.4312 *  0:15 elapsed, ~1:50 left
//
// Each figure appears once: without a validation split the monitored value is
// the training loss, which is then not printed a second time.

#include <cstdint>
#include <optional>
#include <string>

namespace fulcrum::train {

/// Represents: what one epoch's log line says.
struct EpochLine {
  int64_t epoch = 0;           ///< 1-based
  int64_t epochs = 0;          ///< of the whole run
  std::optional<double> lr{};  ///< shown when set (a schedule changes it)
  double train_loss = 0;
  std::string monitor{};  ///< "validation labels.f1_macro", or "training loss"
  std::optional<double> monitored{};
  bool improved = false;
  double epoch_seconds = 0;
  double samples_per_second = 0;
  /// Since this invocation began training, and the epochs it has run: the
  /// time left is their mean times the epochs still to run.
  double elapsed_seconds = 0;
  int64_t epochs_run = 0;
};

/// A duration as "0:07", "12:03" or "1:02:03" (rounded to the second).
std::string format_duration(double seconds);

/// The line, at most `max_columns` characters: when the whole would be
/// longer, the throughput goes first, then the learning rate, the epoch's
/// seconds, the head in the monitor's name ("val f1_macro"), the time
/// elapsed; only then is the line cut.
std::string format_epoch_line(const EpochLine& line, size_t max_columns);

/// The log prefix is "[hh:mm:ss] info: " (17 columns): 82 keeps a line
/// under 100.
inline constexpr size_t kEpochLineColumns = 82;

}  // namespace fulcrum::train
