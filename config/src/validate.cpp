// Ranges, names and consistency of a RunConfig; every failure names the key.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <tuple>
#include <utility>

#include "fulcrum/config/loader.hpp"
#include "fulcrum/metrics/scalars.hpp"
#include "fulcrum/metrics/thresholds.hpp"
#include "reader.hpp"
#include "text.hpp"

namespace fulcrum::config::detail {

namespace {

std::string num(double value) { return format_number(value); }

std::vector<metrics::HeadName> monitored_heads(const ModelConfig& model) {
  std::vector<metrics::HeadName> heads;
  for (const HeadConfig& head : model.heads) heads.push_back({head.name, head.kind});
  return heads;
}

// Whether a relative path stays below the directory it is relative to (no
// absolute path, no root name, no ".." component).
bool stays_inside(const std::string& text) {
  const std::filesystem::path path(text);
  if (path.is_absolute() || path.has_root_path()) return false;
  for (const std::filesystem::path& part : path) {
    if (part == "..") return false;
  }
  return true;
}

// The checks, each failing through the SourceMap so that the message has the
// file position of the key (or the --set that gave it).
class Validator {
 public:
  explicit Validator(const SourceMap& sources) : sources_(sources) {}

  void run(const RunConfig& config) {
    require(!config.name.empty(), "name", "must not be empty");
    require(stays_inside(config.name), "name",
            fmt::format("'{}' is not a relative path inside the output root (the run goes to "
                        "runs/<name>): no absolute path, no '..'",
                        config.name));
    require(config.threads >= 0, "threads",
            fmt::format("must be >= 0 (0: adapt to the cores no other process keeps busy), got {}", config.threads));
    require(!config.output_dir.empty(), "output_dir", "must not be empty");
    check_model(config.model);
    check_data(config.data, config.model);
    check_training(config.training, config.model);
    check_evaluation(config);
    require(config.distributed.timeout > 0.0, "distributed.timeout",
            fmt::format("must be > 0 seconds, got {}", config.distributed.timeout));
    require(!config.training.early_stopping.enabled || config.data.validation_fraction > 0.0,
            "training.early_stopping",
            "needs a validation split: data.validation_fraction must be > 0");
  }

  void run_model(const ModelConfig& model) { check_model(model); }

 private:
  void require(bool ok, const std::string& key, const std::string& message) const {
    if (!ok) sources_.fail(key, message);
  }

  // A hand-filled config can hold a value outside E's enumerators (a cast);
  // the loader cannot.
  template <typename E>
  void known(E value, const std::string& key, std::string_view what) const {
    for (const Named<E>& row : names_table<E>()) {
      if (row.value == value) return;
    }
    sources_.fail(key, fmt::format("{} {} is not one of {}", what, static_cast<int>(value),
                                   join_names(names_of<E>())));
  }

  void at_least(int64_t value, int64_t low, const std::string& key) const {
    require(value >= low, key, fmt::format("must be >= {}, got {}", low, value));
  }

  void non_negative(double value, const std::string& key) const {
    require(value >= 0.0, key, fmt::format("must be >= 0, got {}", num(value)));
  }

  void positive(double value, const std::string& key) const {
    require(value > 0.0, key, fmt::format("must be > 0, got {}", num(value)));
  }

  // [0, 1): a fraction or probability that cannot be all.
  void fraction(double value, const std::string& key) const {
    require(value >= 0.0 && value < 1.0, key, fmt::format("must be in [0, 1), got {}", num(value)));
  }

  // -- model ---------------------------------------------------------------------

  void check_model(const ModelConfig& model) {
    for (std::size_t i = 0; i < model.backbone.sizes.size(); ++i) {
      at_least(model.backbone.sizes[i], 1, fmt::format("model.backbone.sizes[{}]", i));
    }
    known(model.backbone.activation, "model.backbone.activation", "activation");
    fraction(model.backbone.dropout, "model.backbone.dropout");
    require(!model.heads.empty(), "model.heads",
            "at least one head is required, e.g. `heads: {labels: {kind: multilabel}}`");
    for (std::size_t i = 0; i < model.heads.size(); ++i) {
      const HeadConfig& head = model.heads[i];
      for (std::size_t j = 0; j < i; ++j) {
        require(model.heads[j].name != head.name, head_key(head, ""),
                fmt::format("duplicate head name '{}'", head.name));
      }
      check_head(head);
    }
    check_parameter_counts(model);
  }

  // The layers whose sizes the config alone gives stay within kMaxParameters
  // each and together; the input layer is checked by build_model.
  void check_parameter_counts(const ModelConfig& model) const {
    const std::vector<int64_t>& sizes = model.backbone.sizes;
    const auto limit = fmt::format("{} (2^31)", kMaxParameters);
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      require(sizes[i] <= kMaxParameters, fmt::format("model.backbone.sizes[{}]", i),
              fmt::format("{} is more than the {} parameters a layer may have", sizes[i], limit));
    }
    int64_t total = 0;
    const auto check_layer = [&](int64_t in, int64_t out, const std::string& key,
                                 const std::string& layer) {
      const int64_t parameters = (in + 1) * out;  // in, out <= 2^31: no overflow
      require(parameters <= kMaxParameters, key,
              fmt::format("{} ({} -> {}) would have {} parameters, more than the {} a layer may "
                          "have",
                          layer, in, out, parameters, limit));
      total += parameters;
    };
    for (std::size_t i = 1; i < sizes.size(); ++i) {
      check_layer(sizes[i - 1], sizes[i], fmt::format("model.backbone.sizes[{}]", i),
                  fmt::format("hidden layer {}", i));
    }
    if (!sizes.empty()) {
      for (const HeadConfig& head : model.heads) {
        if (head.outputs <= 0) continue;
        require(head.outputs <= kMaxParameters, head_key(head, "outputs"),
                fmt::format("{} is more than the {} parameters a layer may have", head.outputs,
                            limit));
        check_layer(sizes.back(), head.outputs, head_key(head, "outputs"),
                    fmt::format("head '{}'", head.name));
      }
    }
    require(total <= kMaxParameters, "model.backbone.sizes",
            fmt::format("the model would have {} parameters besides its input layer, more than "
                        "the {} a model may have",
                        total, limit));
  }

  static std::string head_key(const HeadConfig& head, std::string_view field) {
    return field.empty() ? fmt::format("model.heads.{}", head.name)
                         : fmt::format("model.heads.{}.{}", head.name, field);
  }

  void check_head(const HeadConfig& head) {
    // Metric names are HEAD.METRIC, so a head name cannot hold a dot.
    const bool plain_name =
        !head.name.empty() && std::all_of(head.name.begin(), head.name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
        });
    require(plain_name, head_key(head, ""),
            fmt::format("head name '{}' must be made of letters, digits, '_' and '-'", head.name));
    known(head.kind, head_key(head, "kind"), "head kind");
    const bool multiclass = head.kind == TaskKind::MultiClass;
    if (multiclass) {
      require(head.outputs == 0 || head.outputs >= 2, head_key(head, "outputs"),
              fmt::format("a multiclass head needs >= 2 classes (0: from the data), got {}",
                          head.outputs));
    } else {
      at_least(head.outputs, 0, head_key(head, "outputs"));
    }
    require(std::isfinite(head.head_weight) && head.head_weight >= 0.0,
            head_key(head, "head_weight"),
            fmt::format("must be >= 0, got {}", num(head.head_weight)));
    require(head.threshold > 0.0 && head.threshold < 1.0, head_key(head, "threshold"),
            fmt::format("must be in (0, 1), got {}", num(head.threshold)));

    const LossConfig& loss = head.loss;
    require(loss.reduction == nn::Reduction::Mean || loss.reduction == nn::Reduction::Sum,
            head_key(head, "loss.reduction"),
            fmt::format("reduction '{}' gives no single training loss (valid: mean, sum)",
                        loss.reduction));
    check_weight(loss.weight, head, "loss.weight");
    check_weight(loss.pos_weight, head, "loss.pos_weight");
    fraction(loss.label_smoothing, head_key(head, "loss.label_smoothing"));
    const LossConfig defaults;
    const HeadConfig default_head;
    check_loss_kind(head, multiclass);
    for (const WeightRule rule : {WeightRule::SqrtInverseFrequency, WeightRule::EffectiveNumber}) {
      require(loss.pos_weight.rule != rule, head_key(head, "loss.pos_weight"),
              fmt::format("{} is a rule for loss.weight; pos_weight takes neg_over_pos, "
                          "inverse_frequency or a list of numbers",
                          name_of(rule)));
    }
    if (loss.weight.rule == WeightRule::EffectiveNumber) {
      fraction(loss.effective_number_beta, head_key(head, "loss.effective_number_beta"));
    } else {
      require(loss.effective_number_beta == defaults.effective_number_beta,
              head_key(head, "loss.effective_number_beta"),
              "applies to loss.weight: effective_number only");
    }
    if (multiclass) {
      require(loss.pos_weight.rule == WeightRule::None, head_key(head, "loss.pos_weight"),
              "pos_weight applies to multilabel heads (BCE) only; a multiclass head weighs "
              "its classes with loss.weight");
      require(loss.weight.rule != WeightRule::NegOverPos, head_key(head, "loss.weight"),
              "neg_over_pos is a per-label rule for multilabel heads; weigh the classes of a "
              "multiclass head with inverse_frequency or a list of numbers");
      require(head.threshold == default_head.threshold, head_key(head, "threshold"),
              "threshold applies to multilabel heads only (a multiclass head predicts its "
              "most probable class)");
    } else {
      require(loss.label_smoothing == defaults.label_smoothing,
              head_key(head, "loss.label_smoothing"),
              "label_smoothing applies to multiclass heads (cross-entropy) only");
      require(loss.ignore_index == defaults.ignore_index, head_key(head, "loss.ignore_index"),
              "ignore_index applies to multiclass heads (cross-entropy) only");
    }
  }

  // loss.kind by head kind, and the settings that belong to one kind only.
  void check_loss_kind(const HeadConfig& head, bool multiclass) {
    const LossConfig& loss = head.loss;
    const LossConfig defaults;
    const std::string kind_key = head_key(head, "loss.kind");
    if (loss.kind) {
      known(*loss.kind, kind_key, "loss");
      if (nn::task_of(*loss.kind) != head.kind) {
        std::vector<std::string> valid;
        for (const Named<nn::LossKind>& row : names_table<nn::LossKind>()) {
          if (nn::task_of(row.value) == head.kind) valid.emplace_back(row.name);
        }
        sources_.fail(kind_key, fmt::format("loss '{}' is for {} heads, and '{}' is a {} head "
                                            "(valid: {})",
                                            name_of(*loss.kind), name_of(nn::task_of(*loss.kind)),
                                            head.name, name_of(head.kind), join_names(valid)));
      }
    }
    const nn::LossKind loss_kind = loss.kind.value_or(default_loss_kind(head.kind));
    const std::string_view kind = name_of(loss_kind);
    require(
        loss_kind == nn::LossKind::BCE || multiclass || loss.pos_weight.rule == WeightRule::None,
        head_key(head, "loss.pos_weight"),
        fmt::format("applies to loss.kind bce only, not {}", kind));
    require(
        loss_kind == nn::LossKind::BCE || multiclass || loss.weight.rule == WeightRule::None,
        head_key(head, "loss.weight"),
        fmt::format("applies to loss.kind bce only, not {} (it has no per-label weight)", kind));
    if (loss_kind == nn::LossKind::Focal) {
      require(std::isfinite(loss.focal_alpha) && loss.focal_alpha <= 1.0,
              head_key(head, "loss.focal_alpha"),
              fmt::format("must be <= 1 (negative: no alpha weighting), got {}",
                          num(loss.focal_alpha)));
      non_negative(loss.focal_gamma, head_key(head, "loss.focal_gamma"));
    } else {
      require(loss.focal_alpha == defaults.focal_alpha && loss.focal_gamma == defaults.focal_gamma,
              head_key(head, loss.focal_alpha != defaults.focal_alpha ? "loss.focal_alpha"
                                                                      : "loss.focal_gamma"),
              fmt::format("applies to loss.kind focal only, not {}", kind));
    }
    if (loss_kind == nn::LossKind::Asymmetric) {
      non_negative(loss.gamma_pos, head_key(head, "loss.gamma_pos"));
      non_negative(loss.gamma_neg, head_key(head, "loss.gamma_neg"));
      require(loss.clip >= 0.0 && loss.clip <= 1.0, head_key(head, "loss.clip"),
              fmt::format("must be in [0, 1], got {}", num(loss.clip)));
    } else {
      for (const auto& [field, value, fallback] :
           {std::tuple{"loss.gamma_pos", loss.gamma_pos, defaults.gamma_pos},
            std::tuple{"loss.gamma_neg", loss.gamma_neg, defaults.gamma_neg},
            std::tuple{"loss.clip", loss.clip, defaults.clip}}) {
        require(value == fallback, head_key(head, field),
                fmt::format("applies to loss.kind asymmetric only, not {}", kind));
      }
    }
    if (loss_kind == nn::LossKind::LogitAdjusted) {
      require(std::isfinite(loss.tau), head_key(head, "loss.tau"), "must be finite");
      for (std::size_t i = 0; i < loss.class_priors.size(); ++i) {
        const double p = loss.class_priors[i];
        require(std::isfinite(p) && p > 0.0,
                fmt::format("{}[{}]", head_key(head, "loss.class_priors"), i),
                fmt::format("must be > 0, got {}", num(p)));
      }
      require(loss.class_priors.empty() || head.outputs == 0 ||
                  static_cast<int64_t>(loss.class_priors.size()) == head.outputs,
              head_key(head, "loss.class_priors"),
              fmt::format("has {} priors but the head has {} outputs", loss.class_priors.size(),
                          head.outputs));
    } else {
      require(loss.class_priors.empty(), head_key(head, "loss.class_priors"),
              fmt::format("applies to loss.kind logit_adjusted only, not {}", kind));
      require(loss.tau == defaults.tau, head_key(head, "loss.tau"),
              fmt::format("applies to loss.kind logit_adjusted only, not {}", kind));
    }
  }

  void check_weight(const WeightSpec& spec, const HeadConfig& head, std::string_view field) {
    const std::string key = head_key(head, field);
    if (spec.rule == WeightRule::Values) {
      require(!spec.values.empty(), key,
              "rule 'values' needs the numbers: write them as a list, e.g. [1.0, 4.0]");
      for (std::size_t i = 0; i < spec.values.size(); ++i) {
        const double v = spec.values[i];
        require(std::isfinite(v) && v >= 0.0, fmt::format("{}[{}]", key, i),
                fmt::format("must be >= 0, got {}", num(v)));
      }
      require(head.outputs == 0 || static_cast<int64_t>(spec.values.size()) == head.outputs, key,
              fmt::format("has {} values but the head has {} outputs", spec.values.size(),
                          head.outputs));
      return;
    }
    known(spec.rule, key, "weight rule");
    require(spec.values.empty(), key,
            fmt::format("values are given only with rule 'values', not '{}'", name_of(spec.rule)));
  }

  // -- data ----------------------------------------------------------------------

  void check_data(const DataConfig& data, const ModelConfig& model) {
    known(data.source, "data.source", "data source");
    fraction(data.validation_fraction, "data.validation_fraction");
    if (data.test.empty()) {
      fraction(data.test_fraction, "data.test_fraction");
      require(data.validation_fraction + data.test_fraction < 1.0, "data.test_fraction",
              fmt::format("validation_fraction + test_fraction must be < 1 (some examples must "
                          "be left to train on), got {} + {}",
                          num(data.validation_fraction), num(data.test_fraction)));
    }
    for (const auto& [key, value] :
         {std::pair{"data.limits.max_elements", data.limits.max_elements},
          std::pair{"data.limits.max_line_bytes", data.limits.max_line_bytes},
          std::pair{"data.limits.max_fields", data.limits.max_fields}})
      require(value >= 1, key, fmt::format("must be >= 1, got {}", value));
    known(data.sampling, "data.sampling", "sampling");
    if (data.sampling == data::Sampling::MLROS) {
      require(std::isfinite(data.ml_ros_percentage) && data.ml_ros_percentage >= 0.0,
              "data.ml_ros_percentage",
              fmt::format("must be >= 0, got {}", num(data.ml_ros_percentage)));
      require(model.heads.empty() || model.heads.front().kind == TaskKind::MultiLabel,
              "data.sampling",
              fmt::format("ml_ros resamples the labels of the first head, which must be "
                          "multilabel; '{}' is {} (use class_aware)",
                          model.heads.empty() ? "" : model.heads.front().name,
                          model.heads.empty() ? "" : name_of(model.heads.front().kind)));
    } else {
      require(data.ml_ros_percentage == DataConfig{}.ml_ros_percentage, "data.ml_ros_percentage",
              "applies to data.sampling ml_ros only");
    }
    if (data.source == data::DataSource::Synthetic) {
      check_synthetic(data, model);
    } else {
      check_file_source(data, model);
    }
  }

  void check_synthetic(const DataConfig& data, const ModelConfig& model) {
    const SyntheticConfig& syn = data.synthetic;
    require(data.train.empty(), "data.train",
            "is set but data.source is synthetic (set data.source to csv, arff or libsvm)");
    require(data.test.empty(), "data.test",
            "is set but data.source is synthetic (set data.source to csv, arff or libsvm)");
    require(data.targets.empty(), "data.targets",
            "applies to file sources; synthetic heads are described in data.synthetic.heads");
    at_least(syn.samples, 1, "data.synthetic.samples");
    at_least(syn.features, 1, "data.synthetic.features");
    require(syn.label_correlation >= 0.0 && syn.label_correlation <= 1.0,
            "data.synthetic.label_correlation",
            fmt::format("must be in [0, 1], got {}", num(syn.label_correlation)));
    positive(syn.noise, "data.synthetic.noise");
    require(!syn.heads.empty(), "data.synthetic.heads",
            "data.source synthetic needs one synthetic head per model head, e.g. "
            "`heads: {labels: {kind: multilabel, frequencies: [0.5, 0.1]}}`");

    std::vector<std::string> model_names;
    for (const auto& head : model.heads) model_names.push_back(head.name);
    std::vector<std::string> synthetic_names;
    for (std::size_t i = 0; i < syn.heads.size(); ++i) {
      const SyntheticHeadConfig& head = syn.heads[i];
      const std::string key = fmt::format("data.synthetic.heads.{}", head.name);
      synthetic_names.push_back(head.name);
      if (!is_one_of(head.name, model_names)) {
        sources_.fail(key,
                      fmt::format("no head named '{}' in model.heads{} (heads: {})", head.name,
                                  did_you_mean(head.name, model_names), join_names(model_names)));
      }
      check_synthetic_head(head, key);
    }
    for (const auto& head : model.heads) {
      const auto it = std::find_if(syn.heads.begin(), syn.heads.end(),
                                   [&](const auto& s) { return s.name == head.name; });
      if (it == syn.heads.end()) {
        sources_.fail("data.synthetic.heads",
                      fmt::format("has no head '{}' for model head '{}' (synthetic heads: {})",
                                  head.name, head.name, join_names(synthetic_names)));
      }
      require(it->kind == head.kind, head_key(head, "kind"),
              fmt::format("is {} but data.synthetic.heads.{}.kind is {}", name_of(head.kind),
                          head.name, it->kind));
      const auto count = static_cast<int64_t>(it->frequencies.size());
      require(head.outputs == 0 || head.outputs == count, head_key(head, "outputs"),
              fmt::format("is {} but data.synthetic.heads.{} has {} frequencies (0: take the "
                          "count from the data)",
                          head.outputs, head.name, count));
      for (const auto* spec : {&head.loss.weight, &head.loss.pos_weight}) {
        const std::string field = spec == &head.loss.weight ? "loss.weight" : "loss.pos_weight";
        require(
            spec->rule != WeightRule::Values || static_cast<int64_t>(spec->values.size()) == count,
            head_key(head, field),
            fmt::format("has {} values but the synthetic head has {} {}", spec->values.size(),
                        count, head.kind == TaskKind::MultiClass ? "classes" : "labels"));
      }
    }
  }

  void check_synthetic_head(const SyntheticHeadConfig& head, const std::string& key) {
    known(head.kind, key + ".kind", "head kind");
    const std::string freq_key = key + ".frequencies";
    const bool multiclass = head.kind == TaskKind::MultiClass;
    require(head.frequencies.size() >= (multiclass ? 2U : 1U), freq_key,
            multiclass ? "a multiclass head needs the prior of each of >= 2 classes"
                       : "a multilabel head needs the positive rate of each of >= 1 labels");
    for (std::size_t i = 0; i < head.frequencies.size(); ++i) {
      const double f = head.frequencies[i];
      require(f > 0.0 && f < 1.0, fmt::format("{}[{}]", freq_key, i),
              fmt::format("must be in (0, 1), got {}", num(f)));
    }
    if (multiclass) {
      const double total = std::accumulate(head.frequencies.begin(), head.frequencies.end(), 0.0);
      require(std::abs(total - 1.0) <= 1e-6, freq_key,
              fmt::format("class priors must sum to 1, got {:.6g}", total));
    }
  }

  void check_file_source(const DataConfig& data, const ModelConfig& model) {
    require(!data.train.empty(), "data.train",
            fmt::format("is required when data.source is {} (the training file)",
                        name_of(data.source)));
    require(!sources_.given("data.synthetic"), "data.synthetic",
            fmt::format("applies to data.source synthetic, not {}", name_of(data.source)));
    at_least(data.label_count, 0, "data.label_count");
    if (data.source != data::DataSource::ARFF) {
      const std::string only_arff =
          fmt::format("applies to data.source arff, not {}", name_of(data.source));
      require(data.labels_xml.empty(), "data.labels_xml", only_arff);
      require(data.drop.empty(), "data.drop", only_arff);
      require(data.missing == data::MissingPolicy::Error, "data.missing", only_arff);
    } else {
      require(data.labels_xml.empty() || data.label_count == 0, "data.labels_xml",
              fmt::format("and data.label_count = {} both say which attributes are labels; give "
                          "one of them",
                          data.label_count));
      known(data.missing, "data.missing", "missing-value policy");
      for (std::size_t i = 0; i < data.drop.size(); ++i) {
        require(!data.drop[i].empty(), fmt::format("data.drop[{}]", i), "must not be empty");
      }
    }
    known(data.sparse, "data.sparse", "sparse setting");
    require(data.source != data::DataSource::CSV || data.sparse != data::FeatureStorage::Sparse,
            "data.sparse",
            "applies to data.source arff and libsvm (files with sparse rows), not csv");
    if (data.source != data::DataSource::CSV) {
      // ARFF (MULAN) and LIBSVM files hold one set of labels: one multilabel head.
      require(model.heads.size() == 1 && model.heads[0].kind == TaskKind::MultiLabel, "model.heads",
              fmt::format("data.source {} gives one set of labels: model.heads must be a single "
                          "multilabel head",
                          name_of(data.source)));
      require(data.targets.empty(), "data.targets",
              fmt::format("applies to csv files; a {} file says which columns are labels",
                          name_of(data.source)));
      return;
    }
    require(data.delimiter.size() == 1, "data.delimiter",
            fmt::format("must be one character, got '{}'", data.delimiter));
    std::vector<std::string> head_names;
    for (const auto& head : model.heads) head_names.push_back(head.name);
    for (const auto& [name, target] : data.targets) {
      const std::string key = fmt::format("data.targets.{}", name);
      if (!is_one_of(name, head_names)) {
        sources_.fail(key, fmt::format("no head named '{}' in model.heads{} (heads: {})", name,
                                       did_you_mean(name, head_names), join_names(head_names)));
      }
      const int given = (target.columns.empty() ? 0 : 1) + (target.column.empty() ? 0 : 1) +
                        (target.last == 0 ? 0 : 1);
      require(given == 1, key,
              fmt::format("give exactly one of `columns` (a list), `column` (one column) or "
                          "`last` (the last N columns); got {}",
                          given));
      at_least(target.last, 0, key + ".last");
      require(target.separator.size() == 1, key + ".separator",
              fmt::format("must be one character, got '{}'", target.separator));
    }
    for (const auto& head : model.heads) {
      require(data.targets.count(head.name) != 0, "data.targets",
              fmt::format("has no entry for head '{}': say which columns hold its targets, e.g. "
                          "`{}: {{column: genre}}`",
                          head.name, head.name));
    }
  }

  // -- training ------------------------------------------------------------------

  void check_training(const TrainingConfig& training, const ModelConfig& model) {
    at_least(training.epochs, 1, "training.epochs");
    at_least(training.batch_size, 1, "training.batch_size");
    non_negative(training.grad_clip, "training.grad_clip");
    known(training.final_model, "training.final_model", "final model");
    non_negative(training.checkpoint_interval, "training.checkpoint_interval");

    const OptimizerConfig& opt = training.optimizer;
    known(opt.name, "training.optimizer.name", "optimizer");
    positive(opt.lr, "training.optimizer.lr");
    non_negative(opt.weight_decay, "training.optimizer.weight_decay");
    positive(opt.eps, "training.optimizer.eps");
    require(opt.betas.size() == 2, "training.optimizer.betas",
            fmt::format("must be two numbers [beta1, beta2], got {}", opt.betas.size()));
    for (std::size_t i = 0; i < opt.betas.size(); ++i) {
      fraction(opt.betas[i], fmt::format("training.optimizer.betas[{}]", i));
    }
    non_negative(opt.momentum, "training.optimizer.momentum");
    if (opt.name == optim::OptimizerKind::SGD) {
      require(!opt.amsgrad, "training.optimizer.amsgrad", "applies to adam and adamw only");
      require(!opt.nesterov || opt.momentum > 0.0, "training.optimizer.nesterov",
              "needs momentum > 0");
    } else {
      require(
          opt.momentum == 0.0, "training.optimizer.momentum",
          fmt::format("applies to sgd only (adam and adamw use betas), got {}", num(opt.momentum)));
      require(!opt.nesterov, "training.optimizer.nesterov", "applies to sgd only");
    }

    const ScheduleConfig& schedule = training.schedule;
    known(schedule.name, "training.schedule.name", "schedule");
    at_least(schedule.warmup_epochs, 0, "training.schedule.warmup_epochs");
    at_least(schedule.step_size, 1, "training.schedule.step_size");
    positive(schedule.gamma, "training.schedule.gamma");
    non_negative(schedule.min_lr, "training.schedule.min_lr");
    require(schedule.min_lr < opt.lr, "training.schedule.min_lr",
            fmt::format("must be below training.optimizer.lr ({}), got {}", num(opt.lr),
                        num(schedule.min_lr)));

    const EarlyStoppingConfig& stopping = training.early_stopping;
    known(stopping.mode, "training.early_stopping.mode", "mode");
    at_least(stopping.patience, 1, "training.early_stopping.patience");
    require(!stopping.metric.empty(), "training.early_stopping.metric", "must not be empty");
    if (stopping.enabled && stopping.metric != "loss") check_metric(stopping.metric, model);
  }

  // -- evaluation ----------------------------------------------------------------

  void check_evaluation(const RunConfig& config) const {
    const std::string key = "evaluation.threshold_tuning";
    const std::optional<metrics::ThresholdObjective>& tuning = config.evaluation.threshold_tuning;
    if (!tuning) return;
    const bool reachable = tuning->kind == metrics::ObjectiveKind::F1 ||
                           (tuning->target > 0.0 && tuning->target <= 1.0);
    require(reachable, key,
            fmt::format("the target of '{}' must be in (0, 1]",
                        metrics::format_threshold_objective(*tuning)));
    require(config.data.validation_fraction > 0.0, key,
            "tunes thresholds on the validation split: data.validation_fraction must be > 0");
    const bool any_multilabel =
        std::any_of(config.model.heads.begin(), config.model.heads.end(),
                    [](const HeadConfig& head) { return head.kind == TaskKind::MultiLabel; });
    require(any_multilabel, key,
            "tunes the thresholds of multilabel heads, and the model has none");
  }

  // "loss" (all heads) or HEAD.METRIC with a metric that head's kind reports.
  void check_metric(const std::string& metric, const ModelConfig& model) const {
    try {
      metrics::parse_metric_key(metric, monitored_heads(model));
    } catch (const ValueError& e) {
      sources_.fail("training.early_stopping.metric", e.what());
    }
  }

  const SourceMap& sources_;
};

}  // namespace

void validate(const RunConfig& config, const SourceMap& sources) { Validator(sources).run(config); }

void validate_model(const ModelConfig& model, const SourceMap& sources) {
  Validator(sources).run_model(model);
}

}  // namespace fulcrum::config::detail

namespace fulcrum::config {

void validate_config(const RunConfig& config) {
  detail::validate(config, detail::SourceMap(config.source_path));
}

}  // namespace fulcrum::config
