// tune_thresholds on random data, checked through multilabel_metrics and a
// brute-force search over every distinct score: the tuned F1 is the best there
// is (so never below F1 at 0.5), precision/recall targets are met with the
// best trade-off, and the result does not depend on the thread count.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "fulcrum/core/parallel.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/metrics/multilabel.hpp"
#include "fulcrum/metrics/thresholds.hpp"

namespace fulcrum::metrics {
namespace {

// n samples, L labels: label l is positive with a rate between 3% and 50%;
// its score is a noisy, clamped function of the truth; odd labels round their
// scores to 0.05 so that many are tied. Label 3 has no positive at all.
struct RandomData {
  Tensor y_true, y_score;
};

RandomData random_data(int64_t n, int64_t labels, uint64_t seed) {
  Generator gen(seed);
  std::vector<float> truth(static_cast<size_t>(n * labels)), score(truth.size());
  for (int64_t l = 0; l < labels; ++l) {
    const float rate = l == 3 ? 0.0f : 0.03f + 0.47f * static_cast<float>(l % 5) / 4.0f;
    for (int64_t i = 0; i < n; ++i) {
      const size_t k = static_cast<size_t>(i * labels + l);
      truth[k] = gen.uniform() < rate ? 1.0f : 0.0f;
      float s = 0.3f + 0.3f * truth[k] + 0.25f * gen.normal();
      s = std::clamp(s, 0.0f, 1.0f);
      if (l % 2 == 1) s = std::round(s * 20.0f) / 20.0f;
      score[k] = s;
    }
  }
  return {Tensor::from({n, labels}, truth), Tensor::from({n, labels}, score)};
}

// Counts of the decision score >= t on label l.
struct Counts {
  int64_t tp = 0, fp = 0, positives = 0;
  double precision() const {
    return tp + fp == 0 ? 0.0 : static_cast<double>(tp) / static_cast<double>(tp + fp);
  }
  double recall() const { return static_cast<double>(tp) / static_cast<double>(positives); }
  double f1() const {
    return 2.0 * static_cast<double>(tp) / static_cast<double>(tp + fp + positives);
  }
};

Counts counts_at(const RandomData& d, int64_t l, float t) {
  const int64_t n = d.y_true.size(0), labels = d.y_true.size(1);
  Counts c;
  for (int64_t i = 0; i < n; ++i) {
    const bool positive = d.y_true.data()[i * labels + l] != 0.0f;
    const bool predicted = d.y_score.data()[i * labels + l] >= t;
    c.positives += positive ? 1 : 0;
    c.tp += positive && predicted ? 1 : 0;
    c.fp += !positive && predicted ? 1 : 0;
  }
  return c;
}

// Every decision there is on label l: score >= s for each distinct score s.
std::vector<Counts> all_cuts(const RandomData& d, int64_t l) {
  const int64_t n = d.y_true.size(0), labels = d.y_true.size(1);
  std::set<float> scores;
  for (int64_t i = 0; i < n; ++i) scores.insert(d.y_score.data()[i * labels + l]);
  std::vector<Counts> cuts;
  for (float s : scores) cuts.push_back(counts_at(d, l, s));
  return cuts;
}

constexpr int64_t kSamples = 300, kLabels = 10;

TEST(TuneThresholdsProperty, F1IsTheBestCutAndNeverBelowHalf) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const RandomData d = random_data(kSamples, kLabels, seed);
    const auto tuned = tune_label_thresholds(d.y_true, d.y_score, {ObjectiveKind::F1, 0.0});
    std::vector<float> thresholds;
    for (const auto& t : tuned) thresholds.push_back(t.threshold);
    const MultiLabelMetrics at_tuned = multilabel_metrics(d.y_true, d.y_score, thresholds);
    const MultiLabelMetrics at_half = multilabel_metrics(d.y_true, d.y_score, 0.5f);
    for (int64_t l = 0; l < kLabels; ++l) {
      SCOPED_TRACE(testing::Message() << "seed " << seed << ", label " << l);
      EXPECT_GE(at_tuned.f1[l], at_half.f1[l]);
      // What the tuner reports is what the metrics measure.
      EXPECT_NEAR(tuned[l].f1, at_tuned.f1[l], 1e-12);
      EXPECT_NEAR(tuned[l].precision, at_tuned.precision[l], 1e-12);
      EXPECT_NEAR(tuned[l].recall, at_tuned.recall[l], 1e-12);
      if (l == 3) {
        EXPECT_EQ(tuned[l].status, ThresholdStatus::NoPositives);
        EXPECT_EQ(tuned[l].threshold, 0.5f);
        continue;
      }
      double best = 0.0;
      for (const Counts& c : all_cuts(d, l)) best = std::max(best, c.f1());
      EXPECT_NEAR(at_tuned.f1[l], best, 1e-12) << "no threshold does better";
    }
  }
}

TEST(TuneThresholdsProperty, PrecisionTargetIsMetWithTheMostRecall) {
  for (double target : {0.3, 0.6, 0.9}) {
    const RandomData d = random_data(kSamples, kLabels, 7);
    const auto tuned =
        tune_label_thresholds(d.y_true, d.y_score, {ObjectiveKind::Precision, target});
    for (int64_t l = 0; l < kLabels; ++l) {
      if (l == 3) continue;
      SCOPED_TRACE(testing::Message() << "target " << target << ", label " << l);
      const Counts at = counts_at(d, l, tuned[l].threshold);
      double best_recall = -1.0, best_precision = 0.0;
      for (const Counts& c : all_cuts(d, l)) {
        if (c.precision() >= target) best_recall = std::max(best_recall, c.recall());
        best_precision = std::max(best_precision, c.precision());
      }
      if (best_recall < 0.0) {
        EXPECT_EQ(tuned[l].status, ThresholdStatus::TargetMissed);
        EXPECT_DOUBLE_EQ(at.precision(), best_precision);
      } else {
        EXPECT_EQ(tuned[l].status, ThresholdStatus::Tuned);
        EXPECT_GE(at.precision(), target);
        EXPECT_DOUBLE_EQ(at.recall(), best_recall);
      }
    }
  }
}

TEST(TuneThresholdsProperty, RecallTargetIsMetWithTheFewestPositiveDecisions) {
  for (double target : {0.25, 0.5, 0.95}) {
    const RandomData d = random_data(kSamples, kLabels, 8);
    const auto tuned = tune_label_thresholds(d.y_true, d.y_score, {ObjectiveKind::Recall, target});
    for (int64_t l = 0; l < kLabels; ++l) {
      if (l == 3) continue;
      SCOPED_TRACE(testing::Message() << "target " << target << ", label " << l);
      const Counts at = counts_at(d, l, tuned[l].threshold);
      EXPECT_GE(at.recall(), target);
      int64_t fewest = kSamples + 1;
      for (const Counts& c : all_cuts(d, l))
        if (c.recall() >= target) fewest = std::min(fewest, c.tp + c.fp);
      EXPECT_EQ(at.tp + at.fp, fewest);
    }
  }
}

TEST(TuneThresholdsProperty, SameResultOnOneOrMoreThreads) {
  // 40 labels of 1000 samples: enough work for parallel_for to use threads.
  const RandomData d = random_data(1000, 40, 5);
  const int threads = num_threads();
  set_num_threads(1);
  const auto one = tune_thresholds(d.y_true, d.y_score, {ObjectiveKind::F1, 0.0});
  set_num_threads(std::max(2, threads));
  const auto many = tune_thresholds(d.y_true, d.y_score, {ObjectiveKind::F1, 0.0});
  set_num_threads(threads);
  EXPECT_EQ(one, many);
  EXPECT_EQ(one.size(), 40u);
}

}  // namespace
}  // namespace fulcrum::metrics
