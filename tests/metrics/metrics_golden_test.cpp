// Every case and every expected key of metrics.json (scikit-learn 1.2,
// zero_division=0). The metrics are float64 computations on exact inputs, so
// FORMAT.md's single-op tolerance applies. A key this test does not know fails
// the test, so that new golden values cannot go unchecked.

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "fulcrum/metrics/metrics.hpp"
#include "support/failures.hpp"
#include "support/golden.hpp"

namespace fulcrum::metrics {
namespace {

using nlohmann::json;
using testing::failures_of;
using testing::kOpAtol;
using testing::kOpRtol;

void expect_near(double got, double want, const std::string& what) {
  EXPECT_LE(std::abs(got - want), kOpAtol + kOpRtol * std::abs(want))
      << what << ": got " << got << ", want " << want;
}

void expect_near(const std::optional<double>& got, const json& want, const std::string& what) {
  if (want.is_null() || (want.is_string() && want.get<std::string>() == "undefined")) {
    EXPECT_FALSE(got.has_value()) << what << ": golden says undefined, got " << got.value_or(0);
    return;
  }
  ASSERT_TRUE(got.has_value()) << what << ": undefined, golden says " << want;
  expect_near(*got, want.get<double>(), what);
}

void expect_near(const std::vector<double>& got, const json& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what << ": length";
  for (size_t i = 0; i < got.size(); ++i)
    expect_near(got[i], want[i].get<double>(), what + "[" + std::to_string(i) + "]");
}

void expect_equal(const std::vector<int64_t>& got, const json& want, const std::string& what) {
  EXPECT_EQ(got, want.get<std::vector<int64_t>>()) << what;
}

/// A per-label ranking metric: golden lists either one value per label (null
/// when undefined) or one per ranked label; every other label must be undefined.
void expect_per_label(const std::vector<std::optional<double>>& got, const json& want,
                      const std::vector<int64_t>& ranked, const std::string& what) {
  if (want.size() == got.size()) {
    for (size_t l = 0; l < got.size(); ++l)
      expect_near(got[l], want[l], what + "[" + std::to_string(l) + "]");
    return;
  }
  ASSERT_EQ(want.size(), ranked.size()) << what << ": golden has neither one value per label "
                                        << "nor one per ranked label";
  std::vector<bool> is_ranked(got.size(), false);
  for (size_t r = 0; r < ranked.size(); ++r) {
    const auto l = static_cast<size_t>(ranked[r]);
    is_ranked[l] = true;
    expect_near(got[l], want[r], what + "[" + std::to_string(l) + "]");
  }
  for (size_t l = 0; l < got.size(); ++l) {
    if (is_ranked[l]) continue;
    EXPECT_FALSE(got[l].has_value())
        << what << "[" << l << "]: label is not ranked (one class) but has value "
        << got[l].value_or(0);
  }
}

using Checker = std::function<void(const json& want, const std::string& what)>;

// Every expected key is checked, and every key the test checks is expected:
// a golden case whose `expect` lost keys (or was emptied) fails rather than
// passing on what is left.
void check_expected(const json& expect, const std::map<std::string, Checker>& checks) {
  for (const auto& [key, want] : expect.items()) {
    const auto it = checks.find(key);
    if (it == checks.end()) {
      ADD_FAILURE() << "golden key '" << key << "' is not checked by this test";
      continue;
    }
    it->second(want, key);
  }
  for (const auto& [key, check] : checks) {
    if (!expect.contains(key)) ADD_FAILURE() << "the golden case has no expected '" << key << "'";
  }
}

void check_multilabel_case(const json& c) {
  const Tensor y_true = testing::tensor_from_json(c.at("y_true"));
  const Tensor y_score = testing::tensor_from_json(c.at("y_score"));
  const auto threshold = static_cast<float>(c.at("threshold").get<double>());
  const MultiLabelMetrics m = multilabel_metrics(y_true, y_score, threshold);
  const auto ranked = c.at("ranked_labels").get<std::vector<int64_t>>();
  EXPECT_EQ(m.ranked_labels, ranked) << "ranked_labels";

  const auto scalar = [](const double& field) -> Checker {
    return [&field](const json& want, const std::string& what) {
      expect_near(field, want.get<double>(), what);
    };
  };
  const auto optional = [](const std::optional<double>& field) -> Checker {
    return [&field](const json& want, const std::string& what) { expect_near(field, want, what); };
  };
  const auto vector = [](const std::vector<double>& field) -> Checker {
    return [&field](const json& want, const std::string& what) { expect_near(field, want, what); };
  };
  const auto per_label = [&ranked](const std::vector<std::optional<double>>& field) -> Checker {
    return [&field, &ranked](const json& want, const std::string& what) {
      expect_per_label(field, want, ranked, what);
    };
  };
  const std::map<std::string, Checker> checks = {
      {"precision_micro", scalar(m.precision_micro)},
      {"recall_micro", scalar(m.recall_micro)},
      {"f1_micro", scalar(m.f1_micro)},
      {"precision_macro", scalar(m.precision_macro)},
      {"recall_macro", scalar(m.recall_macro)},
      {"f1_macro", scalar(m.f1_macro)},
      {"precision_weighted", scalar(m.precision_weighted)},
      {"recall_weighted", scalar(m.recall_weighted)},
      {"f1_weighted", scalar(m.f1_weighted)},
      {"precision_samples", scalar(m.precision_samples)},
      {"recall_samples", scalar(m.recall_samples)},
      {"f1_samples", scalar(m.f1_samples)},
      {"precision_per_label", vector(m.precision)},
      {"recall_per_label", vector(m.recall)},
      {"f1_per_label", vector(m.f1)},
      {"support_per_label",
       [&m](const json& want, const std::string& what) { expect_equal(m.support, want, what); }},
      {"hamming_loss", scalar(m.hamming_loss)},
      {"subset_accuracy", scalar(m.subset_accuracy)},
      {"roc_auc_macro", optional(m.roc_auc_macro)},
      {"roc_auc_micro", optional(m.roc_auc_micro)},
      {"average_precision_macro", optional(m.average_precision_macro)},
      {"average_precision_micro", optional(m.average_precision_micro)},
      {"roc_auc_per_label", per_label(m.roc_auc)},
      {"average_precision_per_label", per_label(m.average_precision)},
      {"label_ranking_average_precision", scalar(m.label_ranking_average_precision)},
      {"coverage_error", scalar(m.coverage_error)},
      {"brier_per_label_mean", scalar(m.brier_per_label_mean)},
  };
  check_expected(c.at("expect"), checks);
}

void check_multiclass_case(const json& c) {
  const Tensor y_true = testing::tensor_from_json(c.at("y_true"));
  const Tensor y_prob = testing::tensor_from_json(c.at("y_score"));
  const MultiClassMetrics m = multiclass_metrics(y_true, y_prob);
  EXPECT_EQ(m.n_classes, c.at("classes").get<int64_t>());

  const auto scalar = [](const double& field) -> Checker {
    return [&field](const json& want, const std::string& what) {
      expect_near(field, want.get<double>(), what);
    };
  };
  const std::map<std::string, Checker> checks = {
      {"accuracy", scalar(m.accuracy)},
      {"balanced_accuracy", scalar(m.balanced_accuracy)},
      {"f1_macro", scalar(m.f1_macro)},
      {"f1_weighted", scalar(m.f1_weighted)},
      {"log_loss", scalar(m.log_loss)},
      {"f1_per_class", [&m](const json& want,
                            const std::string& what) { expect_near(m.f1_per_class, want, what); }},
      {"confusion_matrix",
       [&m](const json& want, const std::string& what) {
         expect_equal(m.confusion_matrix, want, what);
       }},
  };
  check_expected(c.at("expect"), checks);
}

/// The cases of one kind; fails if there are none, so the test cannot pass empty.
std::vector<json> cases_of_kind(const std::string& kind) {
  const json golden = testing::load_golden("metrics.json");
  std::vector<json> cases;
  for (const auto& c : golden.at("cases"))
    if (c.at("kind") == kind) cases.push_back(c);
  EXPECT_FALSE(cases.empty()) << "metrics.json has no '" << kind << "' case";
  return cases;
}

TEST(MetricsGolden, EveryCaseHasAKnownKind) {
  const json golden = testing::load_golden("metrics.json");
  ASSERT_FALSE(golden.at("cases").empty());
  for (const auto& c : golden.at("cases")) {
    const auto kind = c.at("kind").get<std::string>();
    EXPECT_TRUE(kind == "multilabel" || kind == "multiclass")
        << c.at("name") << ": unknown kind '" << kind << "'";
  }
}

TEST(MetricsGolden, MultiLabelCases) {
  for (const auto& c : cases_of_kind("multilabel")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    check_multilabel_case(c);
  }
}

TEST(MetricsGolden, MultiClassCases) {
  for (const auto& c : cases_of_kind("multiclass")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    check_multiclass_case(c);
  }
}

TEST(MetricsGolden, ACaseWithMissingExpectedValuesFails) {
  json emptied = cases_of_kind("multilabel").front();
  const size_t expected_keys = emptied.at("expect").size();
  emptied["expect"] = json::object();
  const auto emptied_failures = failures_of([&] { check_multilabel_case(emptied); });
  EXPECT_EQ(emptied_failures.size(), expected_keys);
  ASSERT_FALSE(emptied_failures.empty());
  EXPECT_NE(emptied_failures.front().find("the golden case has no expected"), std::string::npos);

  json partial = cases_of_kind("multiclass").front();
  partial["expect"].erase("log_loss");
  const auto partial_failures = failures_of([&] { check_multiclass_case(partial); });
  ASSERT_EQ(partial_failures.size(), 1u);
  EXPECT_NE(partial_failures.front().find("no expected 'log_loss'"), std::string::npos);
}

}  // namespace
}  // namespace fulcrum::metrics
