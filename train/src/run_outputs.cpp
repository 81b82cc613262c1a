#include "fulcrum/train/run_outputs.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "fulcrum/checkpoint/checkpoint.hpp"
#include "fulcrum/core/error.hpp"
#include "json_outputs.hpp"

namespace fulcrum::train {

namespace {

const std::string& required(const checkpoint::Metadata& metadata, const char* key) {
  const auto it = metadata.find(key);
  FULCRUM_CHECK(it != metadata.end(),
                "checkpoint metadata has no '{}': not a checkpoint written by the fulcrum "
                "trainer",
                key);
  return it->second;
}

nlohmann::json parse_json(const checkpoint::Metadata& metadata, const char* key) {
  try {
    return nlohmann::json::parse(required(metadata, key));
  } catch (const nlohmann::json::exception& e) {
    throw_value_error(fmt::format("checkpoint metadata '{}' is not valid JSON: {}", key, e.what()));
  }
}

// A head as strictly as a config's: metadata can be edited by hand or damaged,
// and predict would otherwise decide with whatever it says.
void check_head(const HeadCard& head) {
  const bool plain_name =
      !head.name.empty() && std::all_of(head.name.begin(), head.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
      });
  FULCRUM_CHECK(plain_name,
                "checkpoint metadata: head name '{}' must be made of letters, digits, '_' and '-'",
                head.name);
  FULCRUM_CHECK(!head.labels.empty(), "checkpoint metadata: head '{}' has no labels", head.name);
  FULCRUM_CHECK(head.kind == TaskKind::MultiClass || head.thresholds.size() == head.labels.size(),
                "checkpoint metadata: head '{}' has {} thresholds for {} labels", head.name,
                head.thresholds.size(), head.labels.size());
  for (size_t l = 0; l < head.thresholds.size(); ++l) {
    const double t = head.thresholds[l];
    FULCRUM_CHECK(t > 0.0 && t < 1.0,
                  "checkpoint metadata: head '{}' label '{}' has threshold {}, outside (0, 1)",
                  head.name, l < head.labels.size() ? head.labels[l] : "?", t);
  }
  for (const auto& [what, values] :
       {std::pair{"weight", &head.weight}, std::pair{"pos_weight", &head.pos_weight}}) {
    FULCRUM_CHECK(values->empty() || values->size() == head.labels.size(),
                  "checkpoint metadata: head '{}' has {} {} values for {} labels", head.name,
                  values->size(), what, head.labels.size());
    for (const double w : *values) {
      FULCRUM_CHECK(std::isfinite(w) && w >= 0.0,
                    "checkpoint metadata: head '{}' has {} {}; weights are finite and >= 0",
                    head.name, what, w);
    }
  }
}

}  // namespace

checkpoint::Metadata to_metadata(const ModelCard& card) {
  checkpoint::Metadata metadata;
  metadata[run_keys::kModel] = card.model_yaml;
  if (!card.config_yaml.empty()) metadata[run_keys::kConfig] = card.config_yaml;
  metadata[run_keys::kFeatures] = nlohmann::json(card.feature_names).dump();
  metadata[run_keys::kScalerMean] = checkpoint::encode_floats(card.scaler_mean);
  metadata[run_keys::kScalerScale] = checkpoint::encode_floats(card.scaler_scale);
  if (!card.imputer_fill.empty())
    metadata[run_keys::kImputerFill] = checkpoint::encode_floats(card.imputer_fill);
  nlohmann::json heads = nlohmann::json::array();
  for (const HeadCard& head : card.heads) {
    heads.push_back({{"name", head.name},
                     {"kind", std::string(name_of(head.kind))},
                     {"labels", head.labels},
                     {"thresholds", head.thresholds},
                     {"weight", head.weight},
                     {"pos_weight", head.pos_weight}});
  }
  metadata[run_keys::kHeads] = heads.dump();
  return metadata;
}

data::StandardScaler scaler_of(const ModelCard& card) {
  data::StandardScaler scaler;
  if (!card.scaler_mean.empty()) {
    const auto features = static_cast<int64_t>(card.scaler_mean.size());
    scaler.mean = Tensor::from({features}, card.scaler_mean);
    scaler.scale = Tensor::from({features}, card.scaler_scale);
  }
  return scaler;
}

data::Imputer imputer_of(const ModelCard& card) { return data::Imputer{card.imputer_fill}; }

ModelCard model_card_from(const checkpoint::Metadata& metadata) {
  ModelCard card;
  const auto config = metadata.find(run_keys::kConfig);
  if (config != metadata.end()) card.config_yaml = config->second;
  const auto model = metadata.find(run_keys::kModel);
  FULCRUM_CHECK(model != metadata.end() || config != metadata.end(),
                "checkpoint metadata has neither '{}' nor '{}': not a checkpoint written by the "
                "fulcrum trainer (train::save_model writes a model with what predict needs)",
                run_keys::kModel, run_keys::kConfig);
  if (model != metadata.end()) card.model_yaml = model->second;
  card.scaler_mean = checkpoint::decode_floats(required(metadata, run_keys::kScalerMean));
  card.scaler_scale = checkpoint::decode_floats(required(metadata, run_keys::kScalerScale));
  if (const auto fill = metadata.find(run_keys::kImputerFill); fill != metadata.end())
    card.imputer_fill = checkpoint::decode_floats(fill->second);
  try {
    card.feature_names = parse_json(metadata, run_keys::kFeatures).get<std::vector<std::string>>();
    for (const auto& head : parse_json(metadata, run_keys::kHeads)) {
      HeadCard h;
      h.name = head.at("name").get<std::string>();
      h.kind = parse_name<TaskKind>(head.at("kind").get<std::string>(), "head kind");
      h.labels = head.at("labels").get<std::vector<std::string>>();
      h.thresholds = head.at("thresholds").get<std::vector<double>>();
      h.weight = head.at("weight").get<std::vector<double>>();
      h.pos_weight = head.at("pos_weight").get<std::vector<double>>();
      card.heads.push_back(std::move(h));
    }
  } catch (const nlohmann::json::exception& e) {
    throw_value_error(
        fmt::format("checkpoint metadata: malformed features or heads: {}", e.what()));
  }
  FULCRUM_CHECK(
      card.scaler_mean.size() == card.scaler_scale.size() &&
          (card.scaler_mean.empty() || card.scaler_mean.size() == card.feature_names.size()),
      "checkpoint metadata: the scaler has {} means and {} scales for {} features",
      card.scaler_mean.size(), card.scaler_scale.size(), card.feature_names.size());
  if (metadata.contains(run_keys::kImputerFill)) {
    FULCRUM_CHECK(card.imputer_fill.size() == card.feature_names.size(),
                  "checkpoint metadata: '{}' has {} values for {} features", run_keys::kImputerFill,
                  card.imputer_fill.size(), card.feature_names.size());
  }
  FULCRUM_CHECK(!card.heads.empty(), "checkpoint metadata: no heads");
  for (const HeadCard& head : card.heads) check_head(head);
  return card;
}

MetricsLog::MetricsLog(std::filesystem::path path, int64_t keep_epochs) : path_(std::move(path)) {
  std::vector<nlohmann::ordered_json> kept;
  if (keep_epochs >= 0 && std::filesystem::exists(path_)) {
    for (auto& record : read_metrics_log(path_, /*drop_torn_last_line=*/true)) {
      if (record.value("epoch", int64_t{0}) <= keep_epochs) kept.push_back(std::move(record));
    }
  }
  std::string text;
  for (const auto& record : kept) text += record.dump() + "\n";
  // Atomically: a crash while rewriting must not lose the epochs kept.
  checkpoint::write_file_atomically(path_, text);
}

void MetricsLog::append(const nlohmann::ordered_json& record) {
  std::ofstream out(path_, std::ios::app);
  out << record.dump() << '\n';
  out.flush();
  if (!out) {
    throw Error(fmt::format("cannot append to '{}': {}", path_.string(), std::strerror(errno)));
  }
}

std::vector<nlohmann::ordered_json> read_metrics_log(const std::filesystem::path& path,
                                                     bool drop_torn_last_line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot open '{}': {}", path.string(), std::strerror(errno)));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<nlohmann::ordered_json> records;
  int64_t number = 0;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find('\n', begin), text.size());
    const std::string line = text.substr(begin, end - begin);
    const bool last = end + 1 >= text.size();
    const bool terminated = end < text.size();
    begin = end + 1;
    ++number;
    if (line.empty()) continue;
    try {
      // A line without its newline was cut short by a crash during append().
      if (drop_torn_last_line && !terminated) throw std::runtime_error("no newline at its end");
      records.push_back(nlohmann::ordered_json::parse(line));
    } catch (const std::exception& e) {
      if (drop_torn_last_line && last) {
        spdlog::warn("{}:{}: dropped the last line, written only in part ({})", path.string(),
                     number, e.what());
        break;
      }
      throw Error(fmt::format("{}:{}: not a JSON line: {}", path.string(), number, e.what()));
    }
  }
  return records;
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw Error(fmt::format("cannot write '{}': {}", path.string(), std::strerror(errno)));
}

namespace {

namespace fs = std::filesystem;

/// The run's files a user may rely on, in paths.dir.
std::vector<fs::path> run_files(const RunPaths& paths) {
  return {paths.config(),          paths.metrics_log(),       paths.last_checkpoint(),
          paths.best_checkpoint(), paths.test_metrics_json(), paths.test_metrics_csv(),
          paths.summary(),         paths.test_predictions(),  paths.report()};
}

}  // namespace

bool holds_run(const RunPaths& paths) {
  std::error_code error;
  for (const fs::path& file : run_files(paths)) {
    if (fs::exists(fs::symlink_status(file, error))) return true;
  }
  // A run killed before it wrote any file whole leaves only temporary files
  // (or an optimizer file): still a run, which --resume starts again.
  std::vector<std::string> prefixes;
  for (const fs::path& file : run_files(paths))
    prefixes.push_back(file.filename().string() + ".tmp.");
  for (const fs::path& model : {paths.last_checkpoint(), paths.best_checkpoint()})
    prefixes.push_back(model.stem().string() + ".optim.");
  for (const fs::directory_entry& entry : fs::directory_iterator(paths.dir, error)) {
    // Only files fulcrum wrote count: a symlink planted at a temporary name is no run.
    if (!fs::is_regular_file(entry.symlink_status(error))) continue;
    const std::string name = entry.path().filename().string();
    for (const std::string& prefix : prefixes)
      if (name.starts_with(prefix)) return true;
  }
  return false;
}

std::vector<std::string> discard_unfinished_writes(const RunPaths& paths) {
  std::vector<std::string> removed;
  for (const fs::path& model : {paths.last_checkpoint(), paths.best_checkpoint()}) {
    for (std::string& name : checkpoint::discard_unfinished_saves(model)) {
      removed.push_back(std::move(name));
    }
  }
  // The temporary files of the text files (write_file_atomically's names).
  std::error_code error;
  for (const fs::path& file : run_files(paths)) {
    const std::string prefix = file.filename().string() + ".tmp.";
    for (const fs::directory_entry& entry : fs::directory_iterator(paths.dir, error)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(prefix) && fs::remove(entry.path(), error)) removed.push_back(name);
    }
  }
  return removed;
}

std::vector<std::string> remove_run_files(const RunPaths& paths) {
  std::vector<std::string> removed;
  std::error_code error;
  for (const fs::path& file : run_files(paths)) {
    if (fs::remove(file, error)) removed.push_back(file.filename().string());
  }
  for (std::string& name : discard_unfinished_writes(paths)) removed.push_back(std::move(name));
  return removed;
}

RunLock::RunLock(const std::filesystem::path& dir) {
  fs::create_directories(dir);
  const fs::path file = RunPaths{dir}.lock();
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    throw Error(fmt::format("cannot open the lock file '{}': {}", file.string(),
                            std::strerror(errno)));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    std::string holder(32, '\0');
    const ssize_t n = ::pread(fd_, holder.data(), holder.size(), 0);
    holder.resize(n > 0 ? static_cast<size_t>(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    ::close(fd_);
    fd_ = -1;
    if (error != EWOULDBLOCK) {
      throw Error(fmt::format("cannot lock '{}': {}", file.string(), std::strerror(error)));
    }
    throw RunLocked(fmt::format(
        "'{}' is in use: another process (pid {}) is training into it; wait for it to end or "
        "write this run elsewhere (--output-dir)",
        dir.string(), holder.empty() ? std::string("unknown") : holder));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) != 0 ||
      ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    spdlog::warn("cannot write the pid into '{}': {}", file.string(), std::strerror(errno));
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace fulcrum::train
