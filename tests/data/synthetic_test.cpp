// make_synthetic: label frequencies as asked, correlation that does what it
// says, true probabilities that explain the labels, and determinism.

#include "fulcrum/data/synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support/errors.hpp"

namespace fulcrum::data {
namespace {

using fulcrum::testing::expect_error;

SyntheticOptions seed_scenario(int64_t samples) {
  SyntheticOptions o;
  o.samples = samples;
  o.heads = {{"labels", TaskKind::MultiLabel, {0.6, 0.55, 0.2, 0.1}}};
  return o;
}

// Mean over label pairs of the phi (Pearson) correlation of the 0/1 columns.
double mean_pairwise_phi(const Tensor& labels) {
  const int64_t n = labels.size(0);
  const int64_t l = labels.size(1);
  const float* y = labels.data();
  double total = 0.0;
  int pairs = 0;
  for (int64_t a = 0; a < l; ++a)
    for (int64_t b = a + 1; b < l; ++b) {
      double pa = 0, pb = 0, pab = 0;
      for (int64_t i = 0; i < n; ++i) {
        pa += y[i * l + a];
        pb += y[i * l + b];
        pab += y[i * l + a] * y[i * l + b];
      }
      const double rows = static_cast<double>(n);
      pa /= rows, pb /= rows, pab /= rows;
      total += (pab - pa * pb) / std::sqrt(pa * (1 - pa) * pb * (1 - pb));
      ++pairs;
    }
  return total / pairs;
}

TEST(Synthetic, SeedScenarioShapes) {
  const Dataset ds = make_synthetic(seed_scenario(1000));
  EXPECT_EQ(ds.features.shape(), (Shape{1000, 20}));
  ASSERT_EQ(ds.targets.size(), 1u);
  EXPECT_EQ(ds.targets[0].name, "labels");
  EXPECT_EQ(ds.targets[0].values.shape(), (Shape{1000, 4}));
  EXPECT_EQ(ds.targets[0].classes, (std::vector<std::string>{"label0", "label1", "label2", "label3"}));
  EXPECT_EQ(ds.feature_names[19], "x19");
  EXPECT_NO_THROW(ds.validate());
}

TEST(Synthetic, FrequenciesMatchForBothKindsOfHead) {
  SyntheticOptions o = seed_scenario(5000);
  o.seed = 7;
  o.heads.push_back({"kind", TaskKind::MultiClass, {0.7, 0.2, 0.1}});
  const SyntheticData data = make_synthetic_data(o);
  const Tensor& labels = data.dataset.targets[0].values;
  const Tensor& p = data.probabilities[0];
  for (int64_t j = 0; j < 4; ++j) {
    double drawn = 0, expected = 0;
    for (int64_t i = 0; i < 5000; ++i) {
      drawn += labels.data()[i * 4 + j];
      expected += p.data()[i * 4 + j];
    }
    EXPECT_NEAR(drawn / 5000, o.heads[0].frequencies[j], 0.02) << "label " << j;
    EXPECT_NEAR(expected / 5000, o.heads[0].frequencies[j], 1e-4) << "label " << j;
  }
  const Tensor& classes = data.dataset.targets[1].values;
  const Tensor& q = data.probabilities[1];
  EXPECT_EQ(q.shape(), (Shape{5000, 3}));
  for (int64_t k = 0; k < 3; ++k) {
    double drawn = 0, expected = 0;
    for (int64_t i = 0; i < 5000; ++i) {
      drawn += classes.data()[i] == static_cast<float>(k);
      expected += q.data()[i * 3 + k];
    }
    EXPECT_NEAR(drawn / 5000, o.heads[1].frequencies[k], 0.02) << "class " << k;
    EXPECT_NEAR(expected / 5000, o.heads[1].frequencies[k], 1e-4) << "class " << k;
  }
  for (int64_t i = 0; i < 5000; ++i)
    EXPECT_NEAR(q.data()[i * 3] + q.data()[i * 3 + 1] + q.data()[i * 3 + 2], 1.0, 1e-5);
  EXPECT_NO_THROW(data.dataset.validate());
}

TEST(Synthetic, TrueProbabilitiesExplainTheLabels) {
  // The Brier score of the true probabilities beats that of the base rate, and
  // within probability bins the observed rate is close to the bin's mean.
  const SyntheticData data = make_synthetic_data(seed_scenario(20000));
  const float* y = data.dataset.targets[0].values.data();
  const float* p = data.probabilities[0].data();
  const int64_t count = 20000 * 4;
  const std::vector<double> base_rates = seed_scenario(1).heads[0].frequencies;
  double brier = 0, brier_base = 0;
  double bin_p[5] = {}, bin_y[5] = {}, bin_n[5] = {};
  for (int64_t i = 0; i < count; ++i) {
    const double base = base_rates[i % 4];
    brier += (p[i] - y[i]) * (p[i] - y[i]);
    brier_base += (base - y[i]) * (base - y[i]);
    const int bin = std::min(4, static_cast<int>(p[i] * 5));
    bin_p[bin] += p[i], bin_y[bin] += y[i], ++bin_n[bin];
  }
  EXPECT_LT(brier, 0.8 * brier_base);
  for (int b = 0; b < 5; ++b) {
    ASSERT_GT(bin_n[b], 500) << "bin " << b;
    EXPECT_NEAR(bin_y[b] / bin_n[b], bin_p[b] / bin_n[b], 0.03) << "bin " << b;
  }
}

TEST(Synthetic, CorrelationRaisesCoOccurrence) {
  SyntheticOptions o;
  o.samples = 5000;
  o.heads = {{"labels", TaskKind::MultiLabel, {0.5, 0.4, 0.3, 0.2, 0.1}}};
  std::vector<double> phi;
  for (double rho : {0.0, 0.5, 0.95}) {
    o.label_correlation = rho;
    phi.push_back(mean_pairwise_phi(make_synthetic(o).targets[0].values));
  }
  EXPECT_LT(std::fabs(phi[0]), 0.15);
  EXPECT_GT(phi[1], phi[0] + 0.1);
  EXPECT_GT(phi[2], phi[1] + 0.1);
}

TEST(Synthetic, SameSeedSameDataOtherSeedOtherData) {
  SyntheticOptions o = seed_scenario(300);
  o.heads.push_back({"kind", TaskKind::MultiClass, {0.5, 0.5}});
  const SyntheticData a = make_synthetic_data(o);
  const SyntheticData b = make_synthetic_data(o);
  EXPECT_EQ(a.dataset.features.to_vector(), b.dataset.features.to_vector());
  for (size_t h = 0; h < 2; ++h) {
    EXPECT_EQ(a.dataset.targets[h].values.to_vector(), b.dataset.targets[h].values.to_vector());
    EXPECT_EQ(a.probabilities[h].to_vector(), b.probabilities[h].to_vector());
  }
  o.seed = 1;
  const SyntheticData c = make_synthetic_data(o);
  EXPECT_NE(a.dataset.features.to_vector(), c.dataset.features.to_vector());
  EXPECT_NE(a.dataset.targets[0].values.to_vector(), c.dataset.targets[0].values.to_vector());
}

TEST(Synthetic, OptionsOutOfRangeThrow) {
  const auto throws = [](auto edit, const char* problem) {
    SyntheticOptions o = seed_scenario(100);
    edit(o);
    expect_error<ValueError>([&] { make_synthetic(o); }, {problem});
  };
  throws([](SyntheticOptions& o) { o.samples = 0; }, "samples = 0 must be positive");
  throws([](SyntheticOptions& o) { o.features = 0; }, "features = 0 must be positive");
  throws([](SyntheticOptions& o) { o.label_correlation = 1.5; },
         "label_correlation = 1.5 is not in [0, 1]");
  throws([](SyntheticOptions& o) { o.noise = 0; }, "noise = 0 must be positive");
  throws([](SyntheticOptions& o) { o.heads.clear(); }, "synthetic data: no heads given");
  throws([](SyntheticOptions& o) { o.heads[0].frequencies[0] = 1.0; },
         "label frequency 1 is not in (0, 1)");
  throws(
      [](SyntheticOptions& o) {
        o.heads.push_back({"k", TaskKind::MultiClass, {0.5, 0.6}});
      },
      "synthetic head 'k': class priors sum to");
  throws(
      [](SyntheticOptions& o) {
        o.heads.push_back({"k", TaskKind::MultiClass, {1.0}});
      },
      "synthetic head 'k': 1 class priors, need >= 2");
}

}  // namespace
}  // namespace fulcrum::data
