// The YAML tree -> RunConfig: one reader per section. Types and unknown keys
// are checked here; ranges and consistency in validate.cpp.
#include <fmt/format.h>

#include "fulcrum/metrics/thresholds.hpp"
#include "reader.hpp"
#include "text.hpp"

namespace fulcrum::config::detail {

namespace {

// The rules a weight may name (the numbers of WeightRule::Values are written
// as a list, not by name).
std::vector<std::string> weight_rule_names() {
  std::vector<std::string> names = names_of<WeightRule>();
  std::erase(names, std::string(name_of(WeightRule::Values)));
  return names;
}

// A weight is a rule name or a list of numbers (rule "values").
WeightSpec read_weight(MapReader& reader, std::string_view name) {
  WeightSpec spec;
  const auto node = reader.take(name);
  if (!node) return spec;
  const std::string key = reader.key_of(name);
  if (node->IsSequence()) {
    spec.rule = WeightRule::Values;
    spec.values = to_double_list(*node, key, reader.sources());
  } else if (node->IsScalar()) {
    const std::string text = to_string_value(*node, key, reader.sources());
    const std::optional<WeightRule> rule = find_name<WeightRule>(text);
    if (!rule) {
      reader.sources().fail(key, fmt::format("unknown weight rule '{}'{} (valid: {}, or a list of "
                                             "numbers)",
                                             text, did_you_mean(text, weight_rule_names()),
                                             join_names(weight_rule_names())));
    }
    spec.rule = *rule;
  } else {
    reader.sources().fail(key,
                          fmt::format("expected a rule name ({}) or a list of numbers, got {}",
                                      join_names(weight_rule_names()), describe(*node)),
                          node->Mark());
  }
  return spec;
}

SyntheticHeadConfig read_synthetic_head(MapReader reader, const std::string& name) {
  SyntheticHeadConfig head;
  head.name = name;
  reader.read("kind", head.kind, "head kind");
  reader.read("frequencies", head.frequencies);
  reader.finish();
  return head;
}

void read_synthetic(MapReader reader, SyntheticConfig& synthetic) {
  reader.read("samples", synthetic.samples);
  reader.read("features", synthetic.features);
  reader.read("label_correlation", synthetic.label_correlation);
  reader.read("noise", synthetic.noise);
  MapReader heads = reader.section("heads");
  for (const auto& [name, node] : heads.entries()) {
    synthetic.heads.push_back(
        read_synthetic_head(MapReader(node, heads.key_of(name), reader.sources()), name));
  }
  reader.finish();
}

TargetColumnsConfig read_target(MapReader reader) {
  TargetColumnsConfig target;
  reader.read("columns", target.columns);
  reader.read("column", target.column);
  reader.read("last", target.last);
  reader.read("separator", target.separator);
  reader.read("classes", target.classes);
  reader.finish();
  return target;
}

void read_limits(MapReader reader, ReaderLimitsConfig& limits) {
  reader.read("max_elements", limits.max_elements);
  reader.read("max_line_bytes", limits.max_line_bytes);
  reader.read("max_fields", limits.max_fields);
  reader.finish();
}

void read_data(MapReader reader, DataConfig& data) {
  reader.read("source", data.source, "data source");
  read_synthetic(reader.section("synthetic"), data.synthetic);
  reader.read_path("train", data.train);
  reader.read_path("test", data.test);
  reader.read("header", data.header);
  reader.read("delimiter", data.delimiter);
  reader.read("features", data.features);
  MapReader targets = reader.section("targets");
  for (const auto& [name, node] : targets.entries()) {
    data.targets[name] = read_target(MapReader(node, targets.key_of(name), reader.sources()));
  }
  reader.read("label_count", data.label_count);
  reader.read_path("labels_xml", data.labels_xml);
  reader.read("drop", data.drop);
  reader.read("missing", data.missing, "missing-value policy");
  read_limits(reader.section("limits"), data.limits);
  reader.read("sparse", data.sparse, "sparse setting");
  reader.read("validation_fraction", data.validation_fraction);
  reader.read("test_fraction", data.test_fraction);
  reader.read("standardize", data.standardize);
  reader.read("sampling", data.sampling, "sampling");
  reader.read("ml_ros_percentage", data.ml_ros_percentage);
  reader.finish();
}

LossConfig read_loss(MapReader reader) {
  LossConfig loss;
  reader.read("kind", loss.kind, "loss");
  loss.weight = read_weight(reader, "weight");
  loss.pos_weight = read_weight(reader, "pos_weight");
  reader.read("reduction", loss.reduction, "reduction");
  reader.read("label_smoothing", loss.label_smoothing);
  reader.read("ignore_index", loss.ignore_index);
  reader.read("effective_number_beta", loss.effective_number_beta);
  reader.read("focal_alpha", loss.focal_alpha);
  reader.read("focal_gamma", loss.focal_gamma);
  reader.read("gamma_pos", loss.gamma_pos);
  reader.read("gamma_neg", loss.gamma_neg);
  reader.read("clip", loss.clip);
  reader.read("tau", loss.tau);
  reader.read("class_priors", loss.class_priors);
  reader.finish();
  return loss;
}

HeadConfig read_head(MapReader reader, const std::string& name) {
  HeadConfig head;
  head.name = name;
  reader.read("kind", head.kind, "head kind");
  reader.read("outputs", head.outputs);
  head.loss = read_loss(reader.section("loss"));
  reader.read("head_weight", head.head_weight);
  reader.read("threshold", head.threshold);
  reader.finish();
  return head;
}

void read_model(MapReader reader, ModelConfig& model) {
  MapReader backbone = reader.section("backbone");
  backbone.read("sizes", model.backbone.sizes);
  backbone.read("activation", model.backbone.activation, "activation");
  backbone.read("dropout", model.backbone.dropout);
  backbone.finish();
  MapReader heads = reader.section("heads");
  for (const auto& [name, node] : heads.entries()) {
    model.heads.push_back(read_head(MapReader(node, heads.key_of(name), reader.sources()), name));
  }
  reader.finish();
}

void read_training(MapReader reader, TrainingConfig& training) {
  reader.read("epochs", training.epochs);
  reader.read("batch_size", training.batch_size);
  reader.read("drop_last", training.drop_last);

  MapReader optimizer = reader.section("optimizer");
  OptimizerConfig& opt = training.optimizer;
  optimizer.read("name", opt.name, "optimizer");
  optimizer.read("lr", opt.lr);
  optimizer.read("weight_decay", opt.weight_decay);
  optimizer.read("betas", opt.betas);
  optimizer.read("eps", opt.eps);
  optimizer.read("amsgrad", opt.amsgrad);
  optimizer.read("momentum", opt.momentum);
  optimizer.read("nesterov", opt.nesterov);
  optimizer.finish();

  MapReader schedule = reader.section("schedule");
  schedule.read("name", training.schedule.name, "schedule");
  schedule.read("warmup_epochs", training.schedule.warmup_epochs);
  schedule.read("step_size", training.schedule.step_size);
  schedule.read("gamma", training.schedule.gamma);
  schedule.read("min_lr", training.schedule.min_lr);
  schedule.finish();

  reader.read("grad_clip", training.grad_clip);
  reader.read("final_model", training.final_model, "final model");
  reader.read("checkpoint_interval", training.checkpoint_interval);

  // Writing an early_stopping section turns early stopping on, unless it
  // says `enabled: false`.
  MapReader stopping = reader.section("early_stopping");
  EarlyStoppingConfig& es = training.early_stopping;
  es.enabled = reader.sources().given(stopping.key());
  stopping.read("enabled", es.enabled);
  stopping.read("metric", es.metric);
  stopping.read("mode", es.mode, "mode");
  stopping.read("patience", es.patience);
  stopping.finish();

  reader.read("progress", training.progress);
  reader.finish();
}

}  // namespace

ModelConfig read_model_config(const YAML::Node& root, SourceMap& sources) {
  ModelConfig model;
  read_model(MapReader(root, "", sources), model);
  return model;
}

RunConfig read_run_config(const YAML::Node& root, SourceMap& sources) {
  RunConfig config;
  MapReader top(root, "", sources);
  top.read("name", config.name);
  top.read("seed", config.seed);
  top.read("threads", config.threads);
  top.read("output_dir", config.output_dir);
  read_data(top.section("data"), config.data);
  read_model(top.section("model"), config.model);
  read_training(top.section("training"), config.training);
  MapReader evaluation = top.section("evaluation");
  std::string tuning = "none";
  evaluation.read("threshold_tuning", tuning);
  if (tuning != "none") {
    try {
      config.evaluation.threshold_tuning = metrics::parse_threshold_objective(tuning);
    } catch (const ValueError& e) {
      sources.fail(
          evaluation.key_of("threshold_tuning"),
          fmt::format("'{}' is not none, f1, precision>=P or recall>=R ({})", tuning, e.what()));
    }
  }
  evaluation.finish();
  MapReader distributed = top.section("distributed");
  distributed.read("timeout", config.distributed.timeout);
  distributed.finish();
  top.finish();
  return config;
}

}  // namespace fulcrum::config::detail
