#pragma once
// A reference evaluator of an InferenceGraph, for the tests: each ONNX
// operator the exporter emits, written out from the ONNX operator
// specification in plain loops, so that a graph can be checked against the
// model it came from without an ONNX runtime.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "fulcrum/onnx/inference_graph.hpp"

namespace fulcrum::onnx::testing {

/// A value of the graph: row-major, shape [rows, cols] ([] scalars: 1 x 1,
/// [C] vectors: 1 x C, broadcast along rows as ONNX broadcasting does). A
/// boolean tensor (what IsNaN gives) holds 1 for true and 0 for false.
struct Value {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> data;
  float at(int64_t r, int64_t c) const {
    return data[static_cast<size_t>((rows == 1 ? 0 : r) * cols + (cols == 1 ? 0 : c))];
  }
};

inline int64_t int_attribute(const GraphNode& node, const std::string& name, int64_t fallback) {
  for (const GraphAttribute& a : node.attributes)
    if (a.name == name) return std::get<int64_t>(a.value);
  return fallback;
}

inline float float_attribute(const GraphNode& node, const std::string& name, float fallback) {
  for (const GraphAttribute& a : node.attributes)
    if (a.name == name) return std::get<float>(a.value);
  return fallback;
}

/// Evaluates `graph` on `features` [n, input_width]; returns every value by name.
inline std::map<std::string, Value> evaluate(const InferenceGraph& graph,
                                             const std::vector<float>& features, int64_t n) {
  std::map<std::string, Value> values;
  values[kInputName] = {n, graph.input_width, features};
  for (const GraphConstant& c : graph.constants) {
    const int64_t rows = c.shape.size() == 2 ? c.shape[0] : 1;
    const int64_t cols = c.shape.empty() ? 1 : c.shape.back();
    values[c.name] = {rows, cols, c.values};
  }
  const auto in = [&](const GraphNode& node, size_t i) -> const Value& {
    const auto it = values.find(node.inputs.at(i));
    if (it == values.end()) throw std::runtime_error("undefined value " + node.inputs.at(i));
    return it->second;
  };
  for (const GraphNode& node : graph.nodes) {
    const Value& a = in(node, 0);
    Value out;
    const auto unary = [&](auto f) {
      out = {a.rows, a.cols, {}};
      for (int64_t r = 0; r < a.rows; ++r)
        for (int64_t c = 0; c < a.cols; ++c) out.data.push_back(f(a.at(r, c)));
    };
    const auto binary = [&](auto f) {
      const Value& b = in(node, 1);
      out = {std::max(a.rows, b.rows), std::max(a.cols, b.cols), {}};
      for (int64_t r = 0; r < out.rows; ++r)
        for (int64_t c = 0; c < out.cols; ++c) out.data.push_back(f(a.at(r, c), b.at(r, c)));
    };
    const std::string& op = node.op_type;
    if (op == "Gemm") {
      // Y = A B^T + C with transB = 1 (the only form the exporter emits).
      if (int_attribute(node, "transB", 0) != 1) throw std::runtime_error("Gemm without transB");
      const Value& w = in(node, 1);
      out = {a.rows, w.rows, {}};
      for (int64_t r = 0; r < a.rows; ++r)
        for (int64_t o = 0; o < w.rows; ++o) {
          double sum = node.inputs.size() > 2 ? in(node, 2).at(0, o) : 0.0;
          for (int64_t k = 0; k < a.cols; ++k) sum += double(a.at(r, k)) * w.at(o, k);
          out.data.push_back(static_cast<float>(sum));
        }
    } else if (op == "Sub") {
      binary([](float x, float y) { return x - y; });
    } else if (op == "Div") {
      binary([](float x, float y) { return x / y; });
    } else if (op == "Add") {
      binary([](float x, float y) { return x + y; });
    } else if (op == "Mul") {
      binary([](float x, float y) { return x * y; });
    } else if (op == "Relu") {
      unary([](float x) { return x > 0 ? x : 0.0f; });
    } else if (op == "LeakyRelu") {
      const float alpha = float_attribute(node, "alpha", 0.01f);
      unary([alpha](float x) { return x >= 0 ? x : alpha * x; });
    } else if (op == "Tanh") {
      unary([](float x) { return std::tanh(x); });
    } else if (op == "Sigmoid") {
      unary([](float x) { return 1.0f / (1.0f + std::exp(-x)); });
    } else if (op == "Erf") {
      unary([](float x) { return std::erf(x); });
    } else if (op == "IsNaN") {
      unary([](float x) { return std::isnan(x) ? 1.0f : 0.0f; });
    } else if (op == "Where") {
      // Where(condition, X, Y): X where the condition holds, else Y, all three
      // broadcast to one shape.
      const Value& x = in(node, 1);
      const Value& y = in(node, 2);
      out = {std::max({a.rows, x.rows, y.rows}), std::max({a.cols, x.cols, y.cols}), {}};
      for (int64_t r = 0; r < out.rows; ++r)
        for (int64_t c = 0; c < out.cols; ++c)
          out.data.push_back(a.at(r, c) != 0.0f ? x.at(r, c) : y.at(r, c));
    } else if (op == "Identity") {
      unary([](float x) { return x; });
    } else if (op == "Softmax") {
      if (int_attribute(node, "axis", -1) != 1) throw std::runtime_error("Softmax not on axis 1");
      out = {a.rows, a.cols, {}};
      for (int64_t r = 0; r < a.rows; ++r) {
        float top = a.at(r, 0);
        for (int64_t c = 1; c < a.cols; ++c) top = std::max(top, a.at(r, c));
        double total = 0;
        for (int64_t c = 0; c < a.cols; ++c) total += std::exp(double(a.at(r, c)) - top);
        for (int64_t c = 0; c < a.cols; ++c)
          out.data.push_back(static_cast<float>(std::exp(double(a.at(r, c)) - top) / total));
      }
    } else {
      throw std::runtime_error(fmt::format("the test evaluator has no operator {}", op));
    }
    values[node.outputs.at(0)] = std::move(out);
  }
  return values;
}

}  // namespace fulcrum::onnx::testing
