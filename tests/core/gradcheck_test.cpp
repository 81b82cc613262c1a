// Gradient check of every differentiable op in ops.hpp against a float64
// reference of its forward (support/reference.hpp).
//
// Table-driven, after tinygrad's helper_test_op: each row names an op, the
// shapes and value ranges of its inputs, a function calling it and the
// reference; one helper draws the inputs and runs gradcheck. Each row is its own test case, so a
// failure names the op. Value ranges keep away from points where an op is not
// differentiable (0 for abs/relu, the bounds of clamp) or not defined.

#include "support/gradcheck.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/random.hpp"
#include "support/failures.hpp"

namespace fulcrum {
namespace {

using testing::GradcheckOptions;
using testing::OpFn;
using testing::ReferenceFn;
using Arrays = std::vector<testing::ref::Array>;
namespace ref = testing::ref;

/// Where an input's values are drawn from: uniform in [lo, hi], redrawn while
/// within `radius` of any point in `avoid`.
struct Domain {
  float lo = -2.0f;
  float hi = 2.0f;
  std::vector<float> avoid = {};
  float radius = 0.0f;
};

const Domain kAny{};
const Domain kPositive{0.5f, 2.0f};
const Domain kAwayFromZero{-2.0f, 2.0f, {0.0f}, 0.2f};

struct Arg {
  Shape shape;
  Domain domain = kAny;
  bool requires_grad = true;
};

struct OpCase {
  std::string name;
  std::vector<Arg> args;
  OpFn fn;
  ReferenceFn ref;
  GradcheckOptions options = {};
};

// gtest prints a failing parameter; the row's name says more than its bytes.
void PrintTo(const OpCase& row, std::ostream* os) { *os << row.name; }

Tensor draw(const Arg& arg, Generator& gen) {
  Tensor t = Tensor::empty(arg.shape);
  for (float& v : t.values()) {
    const auto too_close = [&](float x) {
      return std::any_of(arg.domain.avoid.begin(), arg.domain.avoid.end(),
                         [&](float a) { return std::abs(x - a) < arg.domain.radius; });
    };
    do v = gen.uniform(arg.domain.lo, arg.domain.hi);
    while (too_close(v));
  }
  if (arg.requires_grad) t.requires_grad_();
  return t;
}

// Rows for a binary op over the broadcasting patterns that matter: equal
// shapes, a row vector, an outer product, a scalar on either side, 3-d.
void add_binary_rows(std::vector<OpCase>& rows, const std::string& name,
                     Tensor (*op)(const Tensor&, const Tensor&),
                     ref::Array (*reference)(const ref::Array&, const ref::Array&),
                     const Domain& rhs) {
  const OpFn fn = [op](const std::vector<Tensor>& in) { return op(in[0], in[1]); };
  const ReferenceFn r = [reference](const Arrays& in) { return reference(in[0], in[1]); };
  rows.push_back({name + "_same", {{{3, 4}}, {{3, 4}, rhs}}, fn, r});
  rows.push_back({name + "_row", {{{3, 4}}, {{4}, rhs}}, fn, r});
  rows.push_back({name + "_row_left", {{{4}}, {{3, 4}, rhs}}, fn, r});
  rows.push_back({name + "_outer", {{{3, 1}}, {{1, 4}, rhs}}, fn, r});
  rows.push_back({name + "_scalar_right", {{{3, 4}}, {{}, rhs}}, fn, r});
  rows.push_back({name + "_scalar_left", {{{}}, {{3, 4}, rhs}}, fn, r});
  rows.push_back({name + "_3d", {{{2, 1, 4}}, {{3, 1}, rhs}}, fn, r});
  rows.push_back({name + "_const_rhs", {{{3, 4}}, {{4}, rhs, false}}, fn, r});
}

template <typename F, typename R>
void add_dim_rows(std::vector<OpCase>& rows, const std::string& name, F op, R reference,
                  const Domain& d) {
  for (int64_t dim : {0, 1, 2, -1}) {
    const std::string suffix = dim < 0 ? "_dim_neg1" : "_dim" + std::to_string(dim);
    rows.push_back({name + suffix,
                    {{{2, 3, 4}, d}},
                    [op, dim](const std::vector<Tensor>& in) { return op(in[0], dim); },
                    [reference, dim](const Arrays& in) { return reference(in[0], dim); }});
  }
}

// An elementwise op's reference: f on every element.
ReferenceFn elementwise(double (*f)(double)) {
  return [f](const Arrays& in) { return ref::map(in[0], f); };
}

std::vector<OpCase> cases() {
  std::vector<OpCase> rows;
  const auto unary = [&rows](const std::string& name, const Domain& d, OpFn fn, ReferenceFn r) {
    rows.push_back({name, {{{3, 4}, d}}, std::move(fn), std::move(r)});
  };

  // -- elementwise, broadcasting ------------------------------------------
  add_binary_rows(rows, "add", &add, &ref::operator+, kAny);
  add_binary_rows(rows, "sub", &sub, &ref::operator-, kAny);
  add_binary_rows(rows, "mul", &mul, &ref::operator*, kAny);
  add_binary_rows(rows, "div", &div, &ref::operator/, kAwayFromZero);
  const OpFn pow_tt = [](const std::vector<Tensor>& in) { return pow(in[0], in[1]); };
  const ReferenceFn pow_ref = [](const Arrays& in) { return ref::pow(in[0], in[1]); };
  const Domain exponents{-1.5f, 2.0f};
  rows.push_back({"pow_tensor_same", {{{3, 4}, kPositive}, {{3, 4}, exponents}}, pow_tt, pow_ref});
  rows.push_back({"pow_tensor_row", {{{3, 4}, kPositive}, {{4}, exponents}}, pow_tt, pow_ref});
  rows.push_back({"pow_tensor_scalar", {{{3, 4}, kPositive}, {{}, exponents}}, pow_tt, pow_ref});
  for (float e : {2.5f, -0.5f, 1.0f / 3.0f}) {
    unary(
        "pow_float_" + std::to_string(static_cast<int>(e * 100)), kPositive,
        [e](const std::vector<Tensor>& in) { return pow(in[0], e); },
        [e](const Arrays& in) { return ref::pow(in[0], static_cast<double>(e)); });
  }
  // An integer exponent is defined for negative bases too.
  unary(
      "pow_float_3_negative_bases", kAwayFromZero,
      [](const std::vector<Tensor>& in) { return pow(in[0], 3.0f); },
      [](const Arrays& in) { return ref::pow(in[0], 3.0); });

  // -- elementwise, unary --------------------------------------------------
  const ReferenceFn negated = [](const Arrays& in) { return -1.0 * in[0]; };
  unary(
      "neg", kAny, [](const std::vector<Tensor>& in) { return neg(in[0]); }, negated);
  unary(
      "neg_operator", kAny, [](const std::vector<Tensor>& in) { return -in[0]; }, negated);
  unary(
      "exp", kAny, [](const std::vector<Tensor>& in) { return exp(in[0]); },
      elementwise([](double v) { return std::exp(v); }));
  unary(
      "log", kPositive, [](const std::vector<Tensor>& in) { return log(in[0]); },
      elementwise([](double v) { return std::log(v); }));
  unary(
      "log1p", Domain{-0.5f, 2.0f}, [](const std::vector<Tensor>& in) { return log1p(in[0]); },
      elementwise([](double v) { return std::log1p(v); }));
  unary(
      "abs", kAwayFromZero, [](const std::vector<Tensor>& in) { return abs(in[0]); },
      elementwise([](double v) { return std::abs(v); }));
  unary(
      "sqrt", kPositive, [](const std::vector<Tensor>& in) { return sqrt(in[0]); },
      elementwise([](double v) { return std::sqrt(v); }));
  const Domain near_bounds{-1.0f, 1.0f, {-0.5f, 0.5f}, 0.05f};
  unary(
      "clamp_both", near_bounds,
      [](const std::vector<Tensor>& in) { return clamp(in[0], -0.5f, 0.5f); },
      elementwise([](double v) { return std::clamp(v, -0.5, 0.5); }));
  unary(
      "clamp_min", near_bounds,
      [](const std::vector<Tensor>& in) { return clamp(in[0], -0.5f, std::nullopt); },
      elementwise([](double v) { return std::max(v, -0.5); }));
  unary(
      "clamp_max", near_bounds,
      [](const std::vector<Tensor>& in) { return clamp(in[0], std::nullopt, 0.5f); },
      elementwise([](double v) { return std::min(v, 0.5); }));
  unary(
      "scalar_operators", kAwayFromZero,
      [](const std::vector<Tensor>& in) {
        return (2.0f * in[0] + 1.0f) / 3.0f - 0.5f + 1.0f / in[0];
      },
      elementwise([](double v) { return (2.0 * v + 1.0) / 3.0 - 0.5 + 1.0 / v; }));

  // -- activations ---------------------------------------------------------
  unary(
      "relu", kAwayFromZero, [](const std::vector<Tensor>& in) { return relu(in[0]); },
      elementwise([](double v) { return std::max(v, 0.0); }));
  unary(
      "leaky_relu", kAwayFromZero, [](const std::vector<Tensor>& in) { return leaky_relu(in[0]); },
      elementwise([](double v) { return v > 0 ? v : 0.01 * v; }));
  unary(
      "leaky_relu_0_2", kAwayFromZero,
      [](const std::vector<Tensor>& in) { return leaky_relu(in[0], 0.2f); },
      elementwise([](double v) { return v > 0 ? v : 0.2 * v; }));
  unary(
      "gelu", Domain{-3.0f, 3.0f}, [](const std::vector<Tensor>& in) { return gelu(in[0]); },
      elementwise(&ref::gelu));
  unary(
      "tanh", kAny, [](const std::vector<Tensor>& in) { return tanh(in[0]); },
      elementwise([](double v) { return std::tanh(v); }));
  const Domain wide{-4.0f, 4.0f};
  unary(
      "sigmoid", wide, [](const std::vector<Tensor>& in) { return sigmoid(in[0]); },
      elementwise(&ref::sigmoid));
  unary(
      "log_sigmoid", wide, [](const std::vector<Tensor>& in) { return log_sigmoid(in[0]); },
      elementwise(&ref::log_sigmoid));
  add_dim_rows(
      rows, "softmax", [](const Tensor& x, int64_t d) { return softmax(x, d); },
      [](const ref::Array& x, int64_t d) { return ref::softmax(x, d); }, kAny);
  add_dim_rows(
      rows, "log_softmax", [](const Tensor& x, int64_t d) { return log_softmax(x, d); },
      [](const ref::Array& x, int64_t d) { return ref::log_softmax(x, d); }, kAny);

  // -- reductions ----------------------------------------------------------
  rows.push_back({"sum_all",
                  {{{2, 3, 4}}},
                  [](const std::vector<Tensor>& in) { return sum(in[0]); },
                  [](const Arrays& in) { return ref::sum(in[0]); }});
  rows.push_back({"mean_all",
                  {{{2, 3, 4}}},
                  [](const std::vector<Tensor>& in) { return mean(in[0]); },
                  [](const Arrays& in) { return ref::mean(in[0]); }});
  for (bool keep : {false, true}) {
    const std::string k = keep ? "_keepdim" : "";
    add_dim_rows(
        rows, "sum" + k, [keep](const Tensor& x, int64_t d) { return sum(x, d, keep); },
        [keep](const ref::Array& x, int64_t d) { return ref::sum(x, d, keep); }, kAny);
    add_dim_rows(
        rows, "mean" + k, [keep](const Tensor& x, int64_t d) { return mean(x, d, keep); },
        [keep](const ref::Array& x, int64_t d) { return ref::mean(x, d, keep); }, kAny);
  }
  const std::vector<std::pair<std::string, Shape>> sum_to_targets = {
      {"3_1", {3, 1}}, {"4", {4}}, {"1_1_1", {1, 1, 1}}, {"scalar", {}},
      {"2_1_4", {2, 1, 4}}, {"same", {2, 3, 4}}};
  for (const auto& [label, target] : sum_to_targets)
    rows.push_back(
        {"sum_to_" + label,
         {{{2, 3, 4}}},
         [target = target](const std::vector<Tensor>& in) { return sum_to(in[0], target); },
         [target = target](const Arrays& in) { return ref::sum_to(in[0], target); }});

  // -- shape ---------------------------------------------------------------
  const std::vector<std::pair<std::string, Shape>> reshapes = {
      {"6_4", {6, 4}}, {"flat", {-1}}, {"4_infer_3", {4, -1, 3}}, {"1_24_1", {1, 24, 1}}};
  for (const auto& [label, target] : reshapes)
    rows.push_back(
        {"reshape_" + label,
         {{{2, 3, 4}}},
         [target = target](const std::vector<Tensor>& in) { return reshape(in[0], target); },
         [target = target](const Arrays& in) { return ref::reshape(in[0], target); }});
  rows.push_back({"reshape_scalar",
                  {{{}}},
                  [](const std::vector<Tensor>& in) {
                    return reshape(in[0], {1, 1});
                  },
                  [](const Arrays& in) {
                    return ref::reshape(in[0], {1, 1});
                  }});
  rows.push_back({"transpose_2d",
                  {{{3, 4}}},
                  [](const std::vector<Tensor>& in) { return transpose(in[0], 0, 1); },
                  [](const Arrays& in) { return ref::transpose(in[0], 0, 1); }});
  const std::vector<std::tuple<std::string, int64_t, int64_t>> swaps = {
      {"0_2", 0, 2}, {"1_neg1", 1, -1}, {"neg3_neg2", -3, -2}, {"1_1", 1, 1}};
  for (const auto& [label, d0, d1] : swaps)
    rows.push_back(
        {"transpose_3d_" + label,
         {{{2, 3, 4}}},
         [d0 = d0, d1 = d1](const std::vector<Tensor>& in) { return transpose(in[0], d0, d1); },
         [d0 = d0, d1 = d1](const Arrays& in) { return ref::transpose(in[0], d0, d1); }});
  const auto concat_ref = [](int64_t dim) -> ReferenceFn {
    return [dim](const Arrays& in) { return ref::concat(in, dim); };
  };
  rows.push_back({"concat_dim0",
                  {{{1, 3}}, {{2, 3}}, {{3, 3}}},
                  [](const std::vector<Tensor>& in) { return concat(in, 0); },
                  concat_ref(0)});
  rows.push_back({"concat_dim1_3d",
                  {{{2, 3, 4}}, {{2, 1, 4}}, {{2, 2, 4}}},
                  [](const std::vector<Tensor>& in) { return concat(in, 1); },
                  concat_ref(1)});
  rows.push_back({"concat_dim_neg1",
                  {{{2, 3, 2}}, {{2, 3, 1}, kAny, false}, {{2, 3, 3}}},
                  [](const std::vector<Tensor>& in) { return concat(in, -1); },
                  concat_ref(-1)});
  rows.push_back({"concat_same_tensor_twice",
                  {{{2, 3}}},
                  [](const std::vector<Tensor>& in) {
                    return concat({in[0], in[0]}, 1);
                  },
                  [](const Arrays& in) {
                    return ref::concat({in[0], in[0]}, 1);
                  }});
  struct SliceRow {
    std::string label;
    int64_t dim, start, end;
  };
  for (const auto& s : std::vector<SliceRow>{{"dim1", 1, 1, 4},
                                             {"negative", 1, -3, -1},
                                             {"past_end", 1, 2, 100},
                                             {"dim0", 0, 0, 1},
                                             {"dim_neg1", -1, -2, 3}})
    rows.push_back(
        {"slice_" + s.label,
         {{{2, 5, 3}}},
         [s](const std::vector<Tensor>& in) { return slice(in[0], s.dim, s.start, s.end); },
         [s](const Arrays& in) { return ref::slice(in[0], s.dim, s.start, s.end); }});
  const std::vector<std::tuple<std::string, Shape, Shape>> broadcasts = {
      {"3_1_to_2_3_4", {3, 1}, {2, 3, 4}},
      {"4_to_3_4", {4}, {3, 4}},
      {"scalar_to_2_2", {}, {2, 2}},
      {"2_1_4_to_2_3_4", {2, 1, 4}, {2, 3, 4}},
      {"same", {2, 3}, {2, 3}}};
  for (const auto& [label, from, to] : broadcasts)
    rows.push_back({"broadcast_to_" + label,
                    {{from}},
                    [to = to](const std::vector<Tensor>& in) { return broadcast_to(in[0], to); },
                    [to = to](const Arrays& in) { return ref::broadcast_to(in[0], to); }});

  // -- linear algebra --------------------------------------------------------
  const OpFn mm = [](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); };
  const ReferenceFn mm_ref = [](const Arrays& in) { return ref::matmul(in[0], in[1]); };
  rows.push_back({"matmul_2d_2d", {{{3, 4}}, {{4, 5}}}, mm, mm_ref});
  rows.push_back({"matmul_1d_2d", {{{4}}, {{4, 5}}}, mm, mm_ref});
  rows.push_back({"matmul_2d_1d", {{{3, 4}}, {{4}}}, mm, mm_ref});
  rows.push_back({"matmul_1d_1d", {{{4}}, {{4}}}, mm, mm_ref});
  const OpFn lin = [](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); };
  const ReferenceFn lin_ref = [](const Arrays& in) { return ref::linear(in[0], in[1], in[2]); };
  const OpFn lin_no_bias = [](const std::vector<Tensor>& in) {
    return linear(in[0], in[1], Tensor());
  };
  const ReferenceFn lin_no_bias_ref = [](const Arrays& in) {
    return ref::linear(in[0], in[1], {});
  };
  rows.push_back({"linear_bias_2d", {{{2, 3}}, {{4, 3}}, {{4}}}, lin, lin_ref});
  rows.push_back({"linear_bias_3d", {{{2, 5, 3}}, {{4, 3}}, {{4}}}, lin, lin_ref});
  rows.push_back({"linear_bias_1d", {{{3}}, {{4, 3}}, {{4}}}, lin, lin_ref});
  rows.push_back({"linear_no_bias_2d", {{{2, 3}}, {{4, 3}}}, lin_no_bias, lin_no_bias_ref});
  rows.push_back({"linear_no_bias_3d", {{{2, 5, 3}}, {{4, 3}}}, lin_no_bias, lin_no_bias_ref});
  rows.push_back({"linear_frozen_weight", {{{2, 3}}, {{4, 3}, kAny, false}, {{4}}}, lin, lin_ref});
  const OpFn lin_relu = [](const std::vector<Tensor>& in) {
    return linear_relu(in[0], in[1], in[2]);
  };
  const ReferenceFn lin_relu_ref = [](const Arrays& in) {
    return ref::map(ref::linear(in[0], in[1], in[2]), [](double v) { return std::max(v, 0.0); });
  };
  const OpFn lin_relu_no_bias = [](const std::vector<Tensor>& in) {
    return linear_relu(in[0], in[1], Tensor());
  };
  const ReferenceFn lin_relu_no_bias_ref = [](const Arrays& in) {
    return ref::map(ref::linear(in[0], in[1], {}), [](double v) { return std::max(v, 0.0); });
  };
  rows.push_back({"linear_relu_2d", {{{3, 4}}, {{5, 4}}, {{5}}}, lin_relu, lin_relu_ref});
  rows.push_back({"linear_relu_3d", {{{2, 3, 4}}, {{5, 4}}, {{5}}}, lin_relu, lin_relu_ref});
  rows.push_back(
      {"linear_relu_no_bias", {{{3, 4}}, {{5, 4}}}, lin_relu_no_bias, lin_relu_no_bias_ref});

  // -- a composite: a two-layer classifier head -------------------------------
  rows.push_back({"mlp_log_softmax",
                  {{{4, 3}}, {{5, 3}}, {{5}}, {{2, 5}}},
                  [](const std::vector<Tensor>& in) {
                    Tensor h = tanh(linear(in[0], in[1], in[2]));
                    return log_softmax(linear(h, in[3], Tensor()), -1);
                  },
                  [](const Arrays& in) {
                    const ref::Array h = ref::map(ref::linear(in[0], in[1], in[2]),
                                                  [](double v) { return std::tanh(v); });
                    return ref::log_softmax(ref::linear(h, in[3], {}), -1);
                  }});
  return rows;
}

// A seed from the row's name that is the same on every platform (std::hash is not).
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

class Gradcheck : public ::testing::TestWithParam<OpCase> {};

TEST_P(Gradcheck, MatchesFiniteDifferences) {
  const OpCase& row = GetParam();
  Generator gen(fnv1a(row.name));
  std::vector<Tensor> inputs;
  for (const Arg& arg : row.args) inputs.push_back(draw(arg, gen));
  testing::gradcheck(row.fn, row.ref, inputs, row.name, row.options);
}

INSTANTIATE_TEST_SUITE_P(Ops, Gradcheck, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<OpCase>& row_info) {
                           std::string name = row_info.param.name;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

// Every row must name a different case: a copy-pasted row would silently
// shadow another in the test list.
TEST(GradcheckTable, NamesAreUnique) {
  std::vector<std::string> names;
  for (const OpCase& row : cases()) names.push_back(row.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
}

// -- the check catches wrong gradients -----------------------------------------
//
// GELU with a backward supplied by the test, recorded as an op of its own: the
// forward is fulcrum's exact GELU, so only the gradient can be wrong.
Tensor gelu_with_derivative(const Tensor& x, double (*derivative)(double)) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = gelu(x);
  }
  return record("gelu_under_test", out, {x},
                [derivative](const Tensor&, const Tensor& g, const std::vector<Tensor>& in) {
                  Tensor grad = Tensor::empty(in[0].shape());
                  for (int64_t i = 0; i < grad.numel(); ++i)
                    grad.data()[i] = static_cast<float>(g.data()[i] * derivative(in[0].data()[i]));
                  accumulate_grad(in[0], grad);
                });
}

// d/dx x Phi(x) = Phi(x) + x phi(x), the erf form's true derivative.
double gelu_derivative(double x) {
  constexpr double kInvSqrt2Pi = 0.39894228040143268;
  return 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))) + x * kInvSqrt2Pi * std::exp(-0.5 * x * x);
}

// The derivative of the tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))),
// a plausible slip: it differs from the erf form's by at most about 2e-3.
double gelu_tanh_derivative(double x) {
  constexpr double kSqrt2OverPi = 0.79788456080286536;
  const double t = std::tanh(kSqrt2OverPi * (x + 0.044715 * x * x * x));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * kSqrt2OverPi * (1.0 + 3 * 0.044715 * x * x);
}

double gelu_derivative_off_by_a_thousandth(double x) { return 1.001 * gelu_derivative(x); }

std::vector<std::string> gelu_check_failures(double (*derivative)(double)) {
  Generator gen(fnv1a("gelu"));
  const Tensor x = draw({{3, 4}, Domain{-3.0f, 3.0f}}, gen);
  return testing::failures_of([&] {
    testing::gradcheck(
        [derivative](const std::vector<Tensor>& in) {
          return gelu_with_derivative(in[0], derivative);
        },
        [](const Arrays& in) { return ref::map(in[0], &ref::gelu); }, {x}, "gelu under test");
  });
}

TEST(GradcheckCatches, NothingInTheCorrectGelu) {
  EXPECT_TRUE(gelu_check_failures(&gelu_derivative).empty());
}

TEST(GradcheckCatches, AGeluBackwardUsingTheTanhApproximation) {
  const auto failures = gelu_check_failures(&gelu_tanh_derivative);
  ASSERT_FALSE(failures.empty());
  EXPECT_NE(failures.front().find("gelu under test: d/d input0"), std::string::npos)
      << failures.front();
}

TEST(GradcheckCatches, AGradientOffByOnePartInAThousand) {
  const auto failures = gelu_check_failures(&gelu_derivative_off_by_a_thousandth);
  ASSERT_FALSE(failures.empty());
  EXPECT_NE(failures.front().find("gelu under test: d/d input0"), std::string::npos)
      << failures.front();
}

// Tolerances too loose to see a 0.1% error are themselves a failure.
TEST(GradcheckCatches, TolerancesThatCannotSeeAThousandth) {
  Generator gen(3);
  const Tensor x = draw({{3, 4}}, gen);
  const auto failures = testing::failures_of([&] {
    testing::gradcheck(
        [](const std::vector<Tensor>& in) { return tanh(in[0]); },
        [](const Arrays& in) { return ref::map(in[0], [](double v) { return std::tanh(v); }); },
        {x}, "tanh", {.atol = 2e-3, .rtol = 2e-2});
  });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures.front().find("cannot see a relative error of 0.001"), std::string::npos)
      << failures.front();
}

}  // namespace
}  // namespace fulcrum
