#include "support/gradcheck.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fulcrum/core/ops.hpp"
#include "fulcrum/core/random.hpp"

namespace fulcrum::testing {
namespace {

// sum(out * projection) in double.
double projected(const ref::Array& out, const Tensor& projection) {
  double total = 0.0;
  for (int64_t i = 0; i < projection.numel(); ++i)
    total += out.values[static_cast<size_t>(i)] * projection.data()[i];
  return total;
}

bool close(double got, double want, double atol, double rtol) {
  return std::abs(got - want) <= atol + rtol * std::abs(want);
}

}  // namespace

void gradcheck(const OpFn& fn, const ReferenceFn& reference, std::vector<Tensor> inputs,
               const std::string& what, GradcheckOptions options) {
  for (Tensor& x : inputs)
    if (x.defined() && x.requires_grad()) x.zero_grad();

  Tensor out = fn(inputs);
  Generator gen(1234);
  const Tensor projection = uniform(out.shape(), 0.5f, 1.5f, gen);
  ASSERT_TRUE(out.requires_grad()) << what << ": output does not require grad";
  sum(mul(out, projection)).backward();

  std::vector<ref::Array> args;
  for (const Tensor& x : inputs) args.push_back(ref::from(x));
  const ref::Array want_out = reference(args);
  ASSERT_EQ(want_out.shape, out.shape()) << what << ": the reference has another shape";
  int reported = 0;
  for (int64_t i = 0; i < out.numel(); ++i) {
    const double got = out.data()[i], want = want_out.values[static_cast<size_t>(i)];
    if (!close(got, want, options.forward_atol, options.forward_rtol) && reported++ < 5)
      ADD_FAILURE() << what << ": output[" << i << "] " << got << ", reference " << want;
  }

  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& x = inputs[k];
    if (!x.defined() || !x.requires_grad()) continue;
    const Tensor analytic = x.grad();
    ASSERT_TRUE(analytic.defined()) << what << ": input " << k << " got no gradient";
    ASSERT_EQ(analytic.shape(), x.shape()) << what << ": gradient shape of input " << k;
    double largest = 0.0;
    reported = 0;
    for (size_t i = 0; i < args[k].values.size(); ++i) {
      double& v = args[k].values[i];
      const double saved = v;
      v = saved + options.step;
      const double plus = projected(reference(args), projection);
      v = saved - options.step;
      const double minus = projected(reference(args), projection);
      v = saved;
      const double numeric = (plus - minus) / (2.0 * options.step);
      const double got = analytic.data()[i];
      largest = std::max(largest, std::abs(numeric));
      if (!close(got, numeric, options.atol, options.rtol) && reported++ < 5)
        ADD_FAILURE() << what << ": d/d input" << k << "[" << i << "]: analytic " << got
                      << ", numeric " << numeric << " (relative error "
                      << std::abs(got - numeric) / std::abs(numeric) << ")";
    }
    // Scaling every element by 1 + resolution must fail at least the largest.
    EXPECT_GT(kGradcheckResolution * largest, options.atol + options.rtol * largest)
        << what << ": with gradients of at most " << largest << " the tolerances (atol "
        << options.atol << ", rtol " << options.rtol << ") cannot see a relative error of "
        << kGradcheckResolution;
  }
}

}  // namespace fulcrum::testing
