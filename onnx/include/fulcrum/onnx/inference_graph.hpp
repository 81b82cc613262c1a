#pragma once
// InferenceGraph: the computation an exported file holds, as plain data (ONNX
// operators, their attributes, the weights), built from an ExportModel
// before anything is serialised, so that what is exported can be inspected
// and checked without an ONNX library.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "fulcrum/onnx/export_model.hpp"

namespace fulcrum::onnx {

/// The input's name: a float tensor [batch, features] of raw (unstandardised)
/// features, in the checkpoint's feature order.
inline constexpr const char* kInputName = "features";
/// The name of the batch dimension of the input and of every output.
inline constexpr const char* kBatchDimension = "batch";
/// The ONNX operator set the graph uses (Softmax along one axis, Erf, Gemm;
/// IsNaN and Where, for float, are in it too).
inline constexpr int64_t kOpsetVersion = 13;

/// A constant tensor of the graph (a weight, a bias, a scaler statistic).
struct GraphConstant {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;  ///< row-major, the product of shape elements
};

/// An operator attribute: an integer or a float.
struct GraphAttribute {
  std::string name;
  std::variant<int64_t, float> value;
};

/// One ONNX operator application.
struct GraphNode {
  std::string op_type;  ///< "Gemm", "Relu", "Sigmoid", ...
  std::string name;     ///< unique in the graph
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<GraphAttribute> attributes;
};

/// An output of the graph: float [batch, width].
struct GraphOutput {
  std::string name;
  int64_t width = 0;
};

/// Represents: a graph with one input `features` [batch, input_width], the
/// constants, the nodes in topological order, and its outputs.
struct InferenceGraph {
  int64_t input_width = 0;
  std::vector<GraphConstant> constants;
  std::vector<GraphNode> nodes;
  std::vector<GraphOutput> outputs;
  /// What the file says about itself: key/value pairs (feature names, heads and
  /// labels as JSON) and a description for readers of the file.
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string description;
};

/// The graph of `model` with `options`' outputs.
/// Requires: model.model's backbone is an Identity or a Sequential of Linear,
///   ReLU, LeakyReLU, GELU, Tanh, Sigmoid, Identity and Dropout modules (a
///   nested Sequential too), and each head a Linear: ValueError naming the
///   module (backbone.3, heads.tags), its type and the supported ones
///   otherwise; ExportModel's other requirements (ValueError naming them).
/// Ensures: dropout is left out (inference); a fitted imputer is two nodes in
///   front of everything, Where(IsNaN(x), fill, x) with the constant
///   imputer.fill [F], which fill a missing value (NaN) as `fulcrum predict`
///   does, and without one the graph has neither; the scaler is two nodes,
///   (x - mean) / scale, computed as fulcrum computes it; constants are named
///   after the parameters (backbone.0.weight) and the scaler (scaler.mean).
InferenceGraph build_inference_graph(const ExportModel& model, const ExportOptions& options = {});

}  // namespace fulcrum::onnx
