#include "fulcrum/onnx/inference_graph.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numbers>

#include "fulcrum/core/error.hpp"
#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/sequential.hpp"

namespace fulcrum::onnx {

namespace {

constexpr const char* kSupportedModules =
    "Linear, ReLU, LeakyReLU, GELU, Tanh, Sigmoid, Identity, Dropout, Sequential";

GraphConstant constant(std::string name, const Tensor& tensor) {
  return {std::move(name), tensor.shape(), tensor.to_vector()};
}

// Appends nodes to a graph, each reading the value the previous one wrote
// (`current`), with value and node names that say where they come from.
class GraphBuilder {
 public:
  explicit GraphBuilder(InferenceGraph& graph) : graph_(graph) {}

  // Applies `op_type` to the current value (and `extra` inputs); the result,
  // named `output`, becomes the current value.
  void apply(const std::string& op_type, const std::string& output,
             std::vector<std::string> extra = {}, std::vector<GraphAttribute> attributes = {}) {
    std::vector<std::string> inputs{current};
    inputs.insert(inputs.end(), extra.begin(), extra.end());
    graph_.nodes.push_back({op_type, output, std::move(inputs), {output}, std::move(attributes)});
    current = output;
  }

  // A one-element constant, for the arithmetic of GELU.
  std::string scalar(const std::string& name, float value) {
    if (std::none_of(graph_.constants.begin(), graph_.constants.end(),
                     [&](const GraphConstant& c) { return c.name == name; })) {
      graph_.constants.push_back({name, {}, {value}});
    }
    return name;
  }

  // `output`: the value's name; by default the module's path.
  void linear(const nn::Linear& layer, const std::string& path, std::string output = {}) {
    graph_.constants.push_back(constant(path + ".weight", layer.weight()));
    std::vector<std::string> extra{path + ".weight"};
    if (layer.bias().defined()) {
      graph_.constants.push_back(constant(path + ".bias", layer.bias()));
      extra.push_back(path + ".bias");
    }
    // Gemm with transB: x W^T + b, PyTorch's weight layout [out, in].
    apply("Gemm", output.empty() ? path : output, std::move(extra), {{"transB", int64_t{1}}});
  }

  // GELU's exact form as fulcrum computes it: 0.5 x (1 + erf(x / sqrt(2))).
  void gelu(const std::string& path) {
    const std::string x = current;
    apply("Mul", path + ".scaled",
          {scalar("gelu.inv_sqrt2", static_cast<float>(1.0 / std::numbers::sqrt2))});
    apply("Erf", path + ".erf");
    apply("Add", path + ".one_plus", {scalar("gelu.one", 1.0f)});
    apply("Mul", path + ".times_x", {x});
    apply("Mul", path, {scalar("gelu.half", 0.5f)});
  }

  // Where(IsNaN(x), fill, x): a missing value (NaN) becomes its column's
  // value in `fill` [F], as data::Imputer fills it; every other value passes
  // unchanged. Where's inputs are the condition first, so it is not `apply`.
  void impute(const std::string& fill) {
    const std::string x = current;
    apply("IsNaN", "imputer.missing");
    const std::string output = "imputer.filled";
    graph_.nodes.push_back({"Where", output, {current, fill, x}, {output}, {}});
    current = output;
  }

  // One module of the model, which reads the current value.
  void module(const nn::Module& m, const std::string& path) {
    if (const auto* layer = dynamic_cast<const nn::Linear*>(&m)) return linear(*layer, path);
    if (const auto* sequential = dynamic_cast<const nn::Sequential*>(&m)) {
      for (size_t i = 0; i < sequential->size(); ++i)
        module(*(*sequential)[i], fmt::format("{}.{}", path, i));
      return;
    }
    // Inference: dropout and the identity change nothing.
    if (dynamic_cast<const nn::Dropout*>(&m) || dynamic_cast<const nn::Identity*>(&m)) return;
    if (dynamic_cast<const nn::ReLU*>(&m)) return apply("Relu", path);
    if (dynamic_cast<const nn::Tanh*>(&m)) return apply("Tanh", path);
    if (dynamic_cast<const nn::Sigmoid*>(&m)) return apply("Sigmoid", path);
    if (dynamic_cast<const nn::GELU*>(&m)) return gelu(path);
    if (const auto* leaky = dynamic_cast<const nn::LeakyReLU*>(&m)) {
      return apply("LeakyRelu", path, {}, {{"alpha", leaky->negative_slope()}});
    }
    throw_value_error(
        fmt::format("ONNX export: {} is a {}, which cannot be exported (supported modules: {})",
                    path, m.type_name(), kSupportedModules));
  }

  std::string current = kInputName;

 private:
  InferenceGraph& graph_;
};

void check_model(const ExportModel& model, const ExportOptions& options) {
  FULCRUM_CHECK(model.model != nullptr, "ONNX export: no model given");
  FULCRUM_CHECK(!options.outputs.empty(),
                "ONNX export: no outputs chosen (choose from logits, probabilities, "
                "recalibrated)");
  for (size_t i = 0; i < options.outputs.size(); ++i) {
    FULCRUM_CHECK(
        std::count(options.outputs.begin(), options.outputs.end(), options.outputs[i]) == 1,
        "ONNX export: the output '{}' is chosen twice", name_of(options.outputs[i]));
  }
  const std::vector<std::string> names = model.model->head_names();
  FULCRUM_CHECK(names.size() == model.heads.size(),
                "ONNX export: the model has {} heads ({}), the export describes {}", names.size(),
                fmt::join(names, ", "), model.heads.size());
  for (size_t h = 0; h < names.size(); ++h) {
    FULCRUM_CHECK(names[h] == model.heads[h].name,
                  "ONNX export: head {} of the model is '{}', of the export '{}'", h, names[h],
                  model.heads[h].name);
  }
  FULCRUM_CHECK(!model.feature_names.empty(), "ONNX export: the model has no feature names");
  if (model.imputer.fitted()) {
    FULCRUM_CHECK_SHAPE(model.imputer.fill.size() == model.feature_names.size(),
                        "ONNX export: the imputation's {} values do not fit the {} features",
                        model.imputer.fill.size(), model.feature_names.size());
  }
  if (model.scaler.fitted()) {
    const auto width = static_cast<int64_t>(model.feature_names.size());
    FULCRUM_CHECK_SHAPE(
        model.scaler.mean.shape() == Shape{width} && model.scaler.scale.shape() == Shape{width},
        "ONNX export: the scaler's mean {} and scale {} do not fit the {} features",
        fulcrum::to_string(model.scaler.mean.shape()),
        fulcrum::to_string(model.scaler.scale.shape()), width);
  }
}

// The file's self-description: features, and per head its kind, labels and
// thresholds, so that a reader of the file alone can name its columns.
std::vector<std::pair<std::string, std::string>> metadata_of(const ExportModel& model,
                                                             const ExportOptions& options) {
  nlohmann::json heads = nlohmann::json::array();
  for (const ExportHead& head : model.heads) {
    nlohmann::json entry{
        {"name", head.name}, {"kind", std::string(name_of(head.kind))}, {"labels", head.labels}};
    if (head.kind == TaskKind::MultiLabel) entry["thresholds"] = head.thresholds;
    heads.push_back(std::move(entry));
  }
  nlohmann::json outputs = nlohmann::json::array();
  for (const OnnxOutput output : options.outputs) outputs.push_back(std::string(name_of(output)));
  return {{"fulcrum.features", nlohmann::json(model.feature_names).dump()},
          {"fulcrum.heads", heads.dump()},
          {"fulcrum.outputs", outputs.dump()},
          {"fulcrum.standardized", model.scaler.fitted() ? "true" : "false"}};
}

}  // namespace

InferenceGraph build_inference_graph(const ExportModel& model, const ExportOptions& options) {
  check_model(model, options);
  InferenceGraph graph;
  graph.input_width = static_cast<int64_t>(model.feature_names.size());
  GraphBuilder builder(graph);
  if (model.imputer.fitted()) {
    graph.constants.push_back({"imputer.fill", {graph.input_width}, model.imputer.fill});
    builder.impute("imputer.fill");
  }
  if (model.scaler.fitted()) {
    graph.constants.push_back(constant("scaler.mean", model.scaler.mean));
    graph.constants.push_back(constant("scaler.scale", model.scaler.scale));
    builder.apply("Sub", "scaler.centered", {"scaler.mean"});
    builder.apply("Div", "scaler.standardized", {"scaler.scale"});
  }
  builder.module(*model.model->backbone(), "backbone");
  const std::string hidden = builder.current;

  for (const ExportHead& head : model.heads) {
    const std::shared_ptr<nn::Module>& layer = model.model->head(head.name);
    const auto* linear = dynamic_cast<const nn::Linear*>(layer.get());
    FULCRUM_CHECK(linear != nullptr,
                  "ONNX export: heads.{} is a {}, which cannot be exported (a head must be a "
                  "Linear)",
                  head.name, layer->type_name());
    const auto width = static_cast<int64_t>(head.labels.size());
    FULCRUM_CHECK(linear->out_features() == width,
                  "ONNX export: heads.{} has {} outputs but {} labels", head.name,
                  linear->out_features(), width);
    builder.current = hidden;
    // Two dots: no output name (HEAD.KIND) can be the same.
    builder.linear(*linear, "heads." + head.name, "heads." + head.name + ".linear");
    const std::string logits = builder.current;
    const bool multiclass = head.kind == TaskKind::MultiClass;
    // Softmax over the classes (axis 1 of [batch, C]); sigmoid per label.
    const auto probabilities = [&](const std::string& output) {
      if (multiclass) {
        builder.apply("Softmax", output, {}, {{"axis", int64_t{1}}});
      } else {
        builder.apply("Sigmoid", output);
      }
    };
    for (const OnnxOutput output : options.outputs) {
      const std::string name = head.name + "." + std::string(name_of(output));
      builder.current = logits;
      switch (output) {
        case OnnxOutput::Logits:
          builder.apply("Identity", name);
          break;
        case OnnxOutput::Probabilities:
          probabilities(name);
          break;
        case OnnxOutput::Recalibrated:
          if (head.recalibration_shift.defined()) {
            FULCRUM_CHECK_SHAPE(head.recalibration_shift.shape() == Shape{width},
                                "ONNX export: head '{}': recalibration shift {} for {} labels",
                                head.name, fulcrum::to_string(head.recalibration_shift.shape()),
                                width);
            const std::string shift = "heads." + head.name + ".recalibration_shift";
            graph.constants.push_back(constant(shift, head.recalibration_shift));
            builder.apply("Add", "heads." + head.name + ".recalibrated_logits", {shift});
          }
          probabilities(name);
          break;
      }
      graph.outputs.push_back({name, width});
    }
  }
  graph.metadata = metadata_of(model, options);
  graph.description = fmt::format(
      "fulcrum model: input '{}' [batch, {}] of raw features (standardised inside the graph{}{}); "
      "outputs per head: {}",
      kInputName, graph.input_width, model.scaler.fitted() ? "" : ": none stored",
      model.imputer.fitted() ? "; a missing value (NaN) becomes the training split's imputed value"
                             : "",
      fmt::join(options.outputs, ", "));
  return graph;
}

}  // namespace fulcrum::onnx
