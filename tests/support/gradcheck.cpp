#include "support/gradcheck.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/random.hpp"

namespace fulcrum::testing {
namespace {

// sum(out * projection) in double, without recording a graph.
double projected(const Tensor& out, const Tensor& projection) {
  double total = 0.0;
  for (int64_t i = 0; i < out.numel(); ++i)
    total += static_cast<double>(out.data()[i]) * projection.data()[i];
  return total;
}

}  // namespace

void gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
               std::vector<Tensor> inputs, const std::string& what, GradcheckOptions options) {
  for (Tensor& x : inputs)
    if (x.defined() && x.requires_grad()) x.zero_grad();

  Tensor out = fn(inputs);
  Generator gen(1234);
  Tensor projection = uniform(out.shape(), 0.5f, 1.5f, gen);
  ASSERT_TRUE(out.requires_grad()) << what << ": output does not require grad";
  sum(mul(out, projection)).backward();

  NoGradGuard no_grad;
  for (size_t k = 0; k < inputs.size(); ++k) {
    Tensor& x = inputs[k];
    if (!x.defined() || !x.requires_grad()) continue;
    Tensor analytic = x.grad();
    ASSERT_TRUE(analytic.defined()) << what << ": input " << k << " got no gradient";
    ASSERT_EQ(analytic.shape(), x.shape()) << what << ": gradient shape of input " << k;
    int reported = 0;
    for (int64_t i = 0; i < x.numel(); ++i) {
      const float saved = x.data()[i];
      x.data()[i] = saved + options.eps;
      const double plus = projected(fn(inputs), projection);
      x.data()[i] = saved - options.eps;
      const double minus = projected(fn(inputs), projection);
      x.data()[i] = saved;
      const double numeric = (plus - minus) / (2.0 * options.eps);
      const double got = analytic.data()[i];
      if (!(std::abs(got - numeric) <= options.atol + options.rtol * std::abs(numeric)) &&
          reported++ < 5)
        ADD_FAILURE() << what << ": d/d input" << k << "[" << i << "]: analytic " << got
                      << ", numeric " << numeric;
    }
  }
}

}  // namespace fulcrum::testing
