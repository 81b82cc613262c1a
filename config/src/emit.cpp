// RunConfig -> YAML (to_yaml) and JSON (to_json), from one ordered tree so
// that both write the same keys.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "config_json.hpp"
#include "fulcrum/config/loader.hpp"
#include "text.hpp"

namespace fulcrum::config {

namespace {

using Tree = nlohmann::ordered_json;

// Names are written from each enum's name table.
template <typename E>
Tree name(E value) {
  return Tree(std::string(name_of(value)));
}

Tree weight_tree(const WeightSpec& spec) {
  if (spec.rule == WeightRule::Values) return Tree(spec.values);
  return name(spec.rule);
}

Tree head_tree(const HeadConfig& head) {
  const bool multiclass = head.kind == TaskKind::MultiClass;
  const LossConfig& config = head.loss;
  // Only the settings of the head's loss kind (the others must keep their
  // defaults, so the file still reads back to the same config).
  Tree loss;
  if (config.kind) loss["kind"] = name(*config.kind);
  loss["weight"] = weight_tree(config.weight);
  if (config.weight.rule == WeightRule::EffectiveNumber) {
    loss["effective_number_beta"] = config.effective_number_beta;
  }
  if (!multiclass) loss["pos_weight"] = weight_tree(config.pos_weight);
  loss["reduction"] = name(config.reduction);
  if (multiclass) {
    loss["label_smoothing"] = config.label_smoothing;
    loss["ignore_index"] = config.ignore_index;
  }
  if (config.kind == nn::LossKind::Focal) {
    loss["focal_alpha"] = config.focal_alpha;
    loss["focal_gamma"] = config.focal_gamma;
  } else if (config.kind == nn::LossKind::Asymmetric) {
    loss["gamma_pos"] = config.gamma_pos;
    loss["gamma_neg"] = config.gamma_neg;
    loss["clip"] = config.clip;
  } else if (config.kind == nn::LossKind::LogitAdjusted) {
    loss["tau"] = config.tau;
    if (!config.class_priors.empty()) loss["class_priors"] = config.class_priors;
  }
  Tree tree;
  tree["kind"] = name(head.kind);
  tree["outputs"] = head.outputs;
  tree["loss"] = loss;
  tree["head_weight"] = head.head_weight;
  if (!multiclass) tree["threshold"] = head.threshold;
  return tree;
}

Tree target_tree(const TargetColumnsConfig& target) {
  Tree tree = Tree::object();
  if (!target.columns.empty()) tree["columns"] = target.columns;
  if (!target.column.empty()) tree["column"] = target.column;
  if (target.last != 0) tree["last"] = target.last;
  tree["separator"] = target.separator;
  if (!target.classes.empty()) tree["classes"] = target.classes;
  return tree;
}

Tree data_tree(const DataConfig& data) {
  Tree tree;
  tree["source"] = name(data.source);
  if (data.source == data::DataSource::Synthetic) {
    const SyntheticConfig& syn = data.synthetic;
    Tree heads = Tree::object();
    for (const auto& head : syn.heads) {
      heads[head.name] = {{"kind", name(head.kind)}, {"frequencies", head.frequencies}};
    }
    tree["synthetic"] = {{"samples", syn.samples},
                         {"features", syn.features},
                         {"label_correlation", syn.label_correlation},
                         {"noise", syn.noise},
                         {"heads", heads}};
  } else {
    tree["train"] = data.train;
    tree["test"] = data.test;
    tree["header"] = data.header;
    tree["delimiter"] = data.delimiter;
    tree["features"] = data.features;
    Tree targets = Tree::object();
    for (const auto& [name, target] : data.targets) targets[name] = target_tree(target);
    tree["targets"] = targets;
    tree["label_count"] = data.label_count;
    tree["labels_xml"] = data.labels_xml;
    tree["drop"] = data.drop;
    tree["missing"] = name(data.missing);
    Tree limits = Tree::object();
    limits["max_elements"] = data.limits.max_elements;
    limits["max_line_bytes"] = data.limits.max_line_bytes;
    limits["max_fields"] = data.limits.max_fields;
    tree["limits"] = limits;
    tree["sparse"] = name(data.sparse);
  }
  tree["validation_fraction"] = data.validation_fraction;
  tree["test_fraction"] = data.test_fraction;
  tree["standardize"] = data.standardize;
  tree["sampling"] = name(data.sampling);
  if (data.sampling == data::Sampling::MLROS) tree["ml_ros_percentage"] = data.ml_ros_percentage;
  return tree;
}

Tree training_tree(const TrainingConfig& training) {
  const OptimizerConfig& opt = training.optimizer;
  const ScheduleConfig& schedule = training.schedule;
  const EarlyStoppingConfig& stopping = training.early_stopping;
  Tree tree;
  tree["epochs"] = training.epochs;
  tree["batch_size"] = training.batch_size;
  tree["drop_last"] = training.drop_last;
  tree["optimizer"] = {{"name", name(opt.name)},
                       {"lr", opt.lr},
                       {"weight_decay", opt.weight_decay},
                       {"betas", opt.betas},
                       {"eps", opt.eps},
                       {"amsgrad", opt.amsgrad},
                       {"momentum", opt.momentum},
                       {"nesterov", opt.nesterov}};
  tree["schedule"] = {{"name", name(schedule.name)},
                      {"warmup_epochs", schedule.warmup_epochs},
                      {"step_size", schedule.step_size},
                      {"gamma", schedule.gamma},
                      {"min_lr", schedule.min_lr}};
  tree["grad_clip"] = training.grad_clip;
  tree["final_model"] = name(training.final_model);
  tree["checkpoint_interval"] = training.checkpoint_interval;
  tree["early_stopping"] = {{"enabled", stopping.enabled},
                            {"metric", stopping.metric},
                            {"mode", name(stopping.mode)},
                            {"patience", stopping.patience}};
  tree["progress"] = training.progress;
  return tree;
}

Tree model_tree(const ModelConfig& model) {
  Tree heads = Tree::object();
  for (const auto& head : model.heads) heads[head.name] = head_tree(head);
  return {{"backbone",
           {{"sizes", model.backbone.sizes},
            {"activation", name(model.backbone.activation)},
            {"dropout", model.backbone.dropout}}},
          {"heads", heads}};
}

// The whole config; heads are objects keyed by name, in order.
Tree config_tree(const RunConfig& config) {
  Tree tree;
  tree["name"] = config.name;
  tree["seed"] = config.seed;
  tree["threads"] = config.threads;
  tree["output_dir"] = config.output_dir;
  tree["data"] = data_tree(config.data);
  tree["model"] = model_tree(config.model);
  tree["training"] = training_tree(config.training);
  const auto& tuning = config.evaluation.threshold_tuning;
  tree["evaluation"] = {
      {"threshold_tuning", tuning ? metrics::format_threshold_objective(*tuning) : "none"}};
  tree["distributed"] = {{"timeout", config.distributed.timeout}};
  return tree;
}

// Strings the reader would take for null ("~", "null", empty) are quoted so
// that they read back as strings.
bool reads_as_null(const std::string& text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

void emit(YAML::Emitter& out, const Tree& tree) {
  switch (tree.type()) {
    case Tree::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, value] : tree.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, value);
      }
      out << YAML::EndMap;
      break;
    case Tree::value_t::array: {
      // Lists of numbers or names stay on one line: [64, 32].
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& item : tree) emit(out, item);
      out << YAML::EndSeq;
      break;
    }
    case Tree::value_t::string: {
      const auto& text = tree.get_ref<const std::string&>();
      if (reads_as_null(text)) out << YAML::DoubleQuoted;
      out << text;
      break;
    }
    case Tree::value_t::boolean:
      out << tree.get<bool>();
      break;
    case Tree::value_t::number_integer:
      out << tree.get<int64_t>();
      break;
    case Tree::value_t::number_unsigned:
      out << tree.get<uint64_t>();
      break;
    case Tree::value_t::number_float:
      out << detail::format_number(tree.get<double>());
      break;
    default:
      out << YAML::Null;
      break;
  }
}

// An ordered object of named heads -> an array of objects with a "name" first.
nlohmann::json heads_array(const Tree& heads) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& [name, head] : heads.items()) {
    nlohmann::json item = nlohmann::json::parse(head.dump());
    item["name"] = name;
    array.push_back(item);
  }
  return array;
}

}  // namespace

std::string to_yaml(const RunConfig& config) {
  YAML::Emitter out;
  out << YAML::Comment("fulcrum run config (every setting, as the run used it)") << YAML::Newline;
  emit(out, config_tree(config));
  return std::string(out.c_str()) + "\n";
}

std::string to_yaml(const ModelConfig& model) {
  YAML::Emitter out;
  emit(out, model_tree(model));
  return std::string(out.c_str()) + "\n";
}

nlohmann::json to_json(const RunConfig& config) {
  const Tree tree = config_tree(config);
  nlohmann::json json = nlohmann::json::parse(tree.dump());
  json["model"]["heads"] = heads_array(tree["model"]["heads"]);
  if (tree["data"].contains("synthetic")) {
    json["data"]["synthetic"]["heads"] = heads_array(tree["data"]["synthetic"]["heads"]);
  }
  return json;
}

}  // namespace fulcrum::config
