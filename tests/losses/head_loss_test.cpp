// HeadLoss: each factory's callable is the loss function with the options it
// was made from, bit for bit (value and input gradient); LossKind's tasks and
// names; an empty HeadLoss names its head.

#include "fulcrum/losses/head_loss.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/names.hpp"
#include "fulcrum/core/random.hpp"
#include "fulcrum/core/task_kind.hpp"
#include "support/errors.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::error_message;

// Every element's bits: equal vectors mean equal bit for bit (== on floats
// would also take -0 for 0).
std::vector<uint32_t> bits(const Tensor& t) {
  std::vector<uint32_t> out;
  for (float v : t.to_vector()) out.push_back(std::bit_cast<uint32_t>(v));
  return out;
}

struct ValueAndGrad {
  std::vector<uint32_t> value, grad;
};

// loss(x, targets) and d sum(loss) / d x, with x a fresh leaf holding `logits`.
template <typename Loss>
ValueAndGrad value_and_grad(const Loss& loss, const Tensor& logits, const Tensor& targets) {
  Tensor x = logits.clone();
  x.requires_grad_();
  const Tensor out = loss(x, targets);
  out.backward(Tensor::ones(out.shape()));
  EXPECT_TRUE(x.grad().defined());
  return {bits(out), bits(x.grad())};
}

// Expects `head_loss` to give what direct(x, t, options) gives, bit for bit.
// Each of `variants` (the options with one field, or all, at its default) must
// give something else: so every option matters on this data, and a HeadLoss
// that dropped or altered one would fail.
template <typename Options, typename Direct>
void expect_same_as_direct(const HeadLoss& head_loss, const Direct& direct, const Options& options,
                           const std::vector<Options>& variants, const Tensor& logits,
                           const Tensor& targets) {
  const auto with = [&](const Options& o) {
    return [&direct, o](const Tensor& x, const Tensor& t) { return direct(x, t, o); };
  };
  const ValueAndGrad want = value_and_grad(with(options), logits, targets);
  const ValueAndGrad got = value_and_grad(head_loss, logits, targets);
  EXPECT_EQ(got.value, want.value);
  EXPECT_EQ(got.grad, want.grad);
  for (size_t i = 0; i < variants.size(); ++i)
    EXPECT_NE(value_and_grad(with(variants[i]), logits, targets).value, want.value)
        << "variant " << i << " gives the same value: the test would not see it dropped";
}

struct MultiLabelBatch {
  Tensor logits, targets;
};
MultiLabelBatch multilabel_batch(uint64_t seed) {
  Generator gen(seed);
  return {normal({6, 4}, 0.0f, 2.0f, gen), bernoulli({6, 4}, 0.4f, gen)};
}

// Logits [6, 4] and class indices [6], one of them 3 (ignored below).
struct MultiClassBatch {
  Tensor logits, targets;
};
MultiClassBatch multiclass_batch(uint64_t seed) {
  Generator gen(seed);
  return {normal({6, 4}, 0.0f, 2.0f, gen), Tensor::from({6}, {0, 3, 1, 2, 0, 1})};
}

TEST(HeadLoss, BceFactoryIsBinaryCrossEntropyWithLogitsWithItsOptions) {
  const MultiLabelBatch batch = multilabel_batch(1);
  Generator gen(2);
  const BCEWithLogitsLossOptions options{.weight = uniform({6, 1}, 0.5f, 2.0f, gen),
                                         .pos_weight = uniform({4}, 1.5f, 5.0f, gen),
                                         .reduction = Reduction::Sum};
  const HeadLoss loss = make_head_loss("labels", options, 0.25);
  EXPECT_EQ(loss.head, "labels");
  EXPECT_EQ(loss.kind, LossKind::BCE);
  EXPECT_EQ(loss.head_weight, 0.25);
  EXPECT_TRUE(loss.weight.same(options.weight));
  EXPECT_TRUE(loss.pos_weight.same(options.pos_weight));
  EXPECT_TRUE(loss.labels_without_positives.empty());

  BCEWithLogitsLossOptions no_weight = options, no_pos_weight = options, mean = options;
  no_weight.weight = {};
  no_pos_weight.pos_weight = {};
  mean.reduction = Reduction::Mean;
  expect_same_as_direct(
      loss,
      [](const Tensor& x, const Tensor& t, const BCEWithLogitsLossOptions& o) {
        return binary_cross_entropy_with_logits(x, t, o);
      },
      options, {{}, no_weight, no_pos_weight, mean}, batch.logits, batch.targets);
}

TEST(HeadLoss, FocalFactoryIsSigmoidFocalLossWithItsOptions) {
  const MultiLabelBatch batch = multilabel_batch(3);
  const SigmoidFocalLossOptions options{.alpha = 0.6f, .gamma = 1.5f, .reduction = Reduction::Sum};
  const HeadLoss loss = make_head_loss("labels", options);
  EXPECT_EQ(loss.kind, LossKind::Focal);
  EXPECT_EQ(loss.head_weight, 1.0);
  EXPECT_FALSE(loss.weight.defined());
  EXPECT_FALSE(loss.pos_weight.defined());

  SigmoidFocalLossOptions alpha = options, gamma = options, mean = options;
  alpha.alpha = SigmoidFocalLossOptions{}.alpha;
  gamma.gamma = SigmoidFocalLossOptions{}.gamma;
  mean.reduction = Reduction::Mean;
  expect_same_as_direct(
      loss,
      [](const Tensor& x, const Tensor& t, const SigmoidFocalLossOptions& o) {
        return sigmoid_focal_loss(x, t, o);
      },
      options, {{}, alpha, gamma, mean}, batch.logits, batch.targets);
}

TEST(HeadLoss, AsymmetricFactoryIsAsymmetricLossWithItsOptions) {
  const MultiLabelBatch batch = multilabel_batch(4);
  const AsymmetricLossOptions options{
      .gamma_pos = 1.0f, .gamma_neg = 3.0f, .clip = 0.1f, .reduction = Reduction::Mean};
  const HeadLoss loss = make_head_loss("labels", options, 2.0);
  EXPECT_EQ(loss.kind, LossKind::Asymmetric);
  EXPECT_EQ(loss.head_weight, 2.0);
  EXPECT_FALSE(loss.weight.defined());
  EXPECT_FALSE(loss.pos_weight.defined());

  const AsymmetricLossOptions defaults{};
  AsymmetricLossOptions gamma_pos = options, gamma_neg = options, clip = options, sum = options;
  gamma_pos.gamma_pos = defaults.gamma_pos;
  gamma_neg.gamma_neg = defaults.gamma_neg;
  clip.clip = defaults.clip;
  sum.reduction = defaults.reduction;
  expect_same_as_direct(
      loss,
      [](const Tensor& x, const Tensor& t, const AsymmetricLossOptions& o) {
        return asymmetric_loss(x, t, o);
      },
      options, {defaults, gamma_pos, gamma_neg, clip, sum}, batch.logits, batch.targets);
}

TEST(HeadLoss, CrossEntropyFactoryIsCrossEntropyWithItsOptions) {
  const MultiClassBatch batch = multiclass_batch(5);
  Generator gen(6);
  const CrossEntropyLossOptions options{.weight = uniform({4}, 0.5f, 3.0f, gen),
                                        .ignore_index = 3,
                                        .label_smoothing = 0.1f,
                                        .reduction = Reduction::Mean};
  const HeadLoss loss = make_head_loss("plot", options, 0.5);
  EXPECT_EQ(loss.head, "plot");
  EXPECT_EQ(loss.kind, LossKind::CrossEntropy);
  EXPECT_EQ(loss.head_weight, 0.5);
  EXPECT_TRUE(loss.weight.same(options.weight));
  EXPECT_FALSE(loss.pos_weight.defined());

  CrossEntropyLossOptions no_weight = options, no_ignore = options, no_smoothing = options,
                          sum = options;
  no_weight.weight = {};
  no_ignore.ignore_index = CrossEntropyLossOptions{}.ignore_index;
  no_smoothing.label_smoothing = 0.0f;
  sum.reduction = Reduction::Sum;
  expect_same_as_direct(
      loss,
      [](const Tensor& x, const Tensor& t, const CrossEntropyLossOptions& o) {
        return cross_entropy(x, t, o);
      },
      options, {{}, no_weight, no_ignore, no_smoothing, sum}, batch.logits, batch.targets);
}

TEST(HeadLoss, LogitAdjustedFactoryIsLogitAdjustedCrossEntropyWithItsOptions) {
  const MultiClassBatch batch = multiclass_batch(7);
  Generator gen(8);
  const LogitAdjustedCrossEntropyLossOptions options{
      .class_priors = class_priors({50, 5, 30, 15}),
      .tau = 0.7f,
      .cross_entropy = {.weight = uniform({4}, 0.5f, 3.0f, gen),
                        .label_smoothing = 0.05f,
                        .reduction = Reduction::Sum}};
  const HeadLoss loss = make_head_loss("plot", options);
  EXPECT_EQ(loss.kind, LossKind::LogitAdjusted);
  EXPECT_TRUE(loss.weight.same(options.cross_entropy.weight));
  EXPECT_FALSE(loss.pos_weight.defined());

  LogitAdjustedCrossEntropyLossOptions uniform_priors = options, tau = options,
                                       plain_cross_entropy = options;
  uniform_priors.class_priors = Tensor::full({4}, 0.25f);
  tau.tau = 1.0f;
  plain_cross_entropy.cross_entropy = {};
  expect_same_as_direct(
      loss,
      [](const Tensor& x, const Tensor& t, const LogitAdjustedCrossEntropyLossOptions& o) {
        return logit_adjusted_cross_entropy(x, t, o.class_priors, o.tau, o.cross_entropy);
      },
      options, {uniform_priors, tau, plain_cross_entropy}, batch.logits, batch.targets);
}

TEST(HeadLoss, HoldsItsOwnCopyOfTheOptions) {
  const MultiLabelBatch batch = multilabel_batch(9);
  BCEWithLogitsLossOptions options{.pos_weight = Tensor::full({4}, 4.0f)};
  const HeadLoss loss = make_head_loss("labels", options);
  const std::vector<uint32_t> before = bits(loss(batch.logits, batch.targets));
  options.pos_weight = Tensor::full({4}, 0.5f);
  options.reduction = Reduction::Sum;
  EXPECT_NE(bits(binary_cross_entropy_with_logits(batch.logits, batch.targets, options)), before);
  EXPECT_EQ(bits(loss(batch.logits, batch.targets)), before);
}

TEST(HeadLoss, FactoriesCheckTheOptionsWhenTheLossIsBuilt) {
  EXPECT_NE(error_message<ValueError>([] {
              make_head_loss("labels", SigmoidFocalLossOptions{.gamma = -1.0f});
            }).find("gamma"),
            std::string::npos);
  EXPECT_NE(error_message<ValueError>([] {
              make_head_loss("labels", AsymmetricLossOptions{.clip = 2.0f});
            }).find("clip"),
            std::string::npos);
  EXPECT_NE(error_message<ValueError>([] {
              make_head_loss("plot", CrossEntropyLossOptions{.label_smoothing = 1.5f});
            }).find("label_smoothing"),
            std::string::npos);
  EXPECT_NE(error_message<ValueError>([] {
              make_head_loss("plot", LogitAdjustedCrossEntropyLossOptions{});
            }).find("class_priors"),
            std::string::npos);
}

TEST(HeadLoss, EmptyLossThrowsNamingTheHead) {
  HeadLoss empty;
  empty.head = "plot";
  const MultiLabelBatch batch = multilabel_batch(10);
  const std::string message =
      error_message<ValueError>([&] { empty(batch.logits, batch.targets); });
  EXPECT_NE(message.find("head 'plot'"), std::string::npos) << message;
}

TEST(HeadLoss, TaskFollowsTheKind) {
  EXPECT_EQ(task_of(LossKind::BCE), TaskKind::MultiLabel);
  EXPECT_EQ(task_of(LossKind::Focal), TaskKind::MultiLabel);
  EXPECT_EQ(task_of(LossKind::Asymmetric), TaskKind::MultiLabel);
  EXPECT_EQ(task_of(LossKind::CrossEntropy), TaskKind::MultiClass);
  EXPECT_EQ(task_of(LossKind::LogitAdjusted), TaskKind::MultiClass);
  EXPECT_EQ(make_head_loss("labels", AsymmetricLossOptions{}).task(), TaskKind::MultiLabel);
  EXPECT_EQ(make_head_loss("plot", CrossEntropyLossOptions{}).task(), TaskKind::MultiClass);
}

TEST(LossKind, NamesRoundTrip) {
  EXPECT_EQ(names_of<LossKind>(), (std::vector<std::string>{"bce", "focal", "asymmetric",
                                                            "cross_entropy", "logit_adjusted"}));
  for (LossKind kind : {LossKind::BCE, LossKind::Focal, LossKind::Asymmetric,
                        LossKind::CrossEntropy, LossKind::LogitAdjusted}) {
    EXPECT_EQ(parse_name<LossKind>(name_of(kind), "loss"), kind) << name_of(kind);
  }
  EXPECT_EQ(name_of(LossKind::LogitAdjusted), "logit_adjusted");
  EXPECT_EQ(parse_name<LossKind>("cross_entropy", "loss"), LossKind::CrossEntropy);
}

TEST(LossKind, TypoSuggestsTheNearestName) {
  EXPECT_EQ(error_message<ValueError>([] { parse_name<LossKind>("focla", "loss"); }),
            "unknown loss 'focla'; did you mean 'focal'? (valid: bce, focal, asymmetric, "
            "cross_entropy, logit_adjusted)");
  const std::string message =
      error_message<ValueError>([] { parse_name<LossKind>("cross-entropy", "loss"); });
  EXPECT_NE(message.find("did you mean 'cross_entropy'"), std::string::npos) << message;
}

// The example at the top of head_loss.hpp, as written there.
TEST(HeadLoss, HeaderExampleRuns) {
  const MultiLabelBatch batch = multilabel_batch(11);
  const Tensor& logits = batch.logits;
  const Tensor& targets = batch.targets;
  const Tensor pw = Tensor::full({4}, 3.0f);
  const Tensor w = Tensor::from({4}, {1.0f, 2.0f, 0.5f, 1.0f});

  HeadLoss labels = make_head_loss("labels", BCEWithLogitsLossOptions{.pos_weight = pw});
  HeadLoss plot = make_head_loss("plot", CrossEntropyLossOptions{.weight = w}, 0.5);
  Tensor loss = labels(logits, targets);
  EXPECT_EQ(bits(loss),
            bits(binary_cross_entropy_with_logits(logits, targets, {.pos_weight = pw})));
  EXPECT_EQ(plot.task(), TaskKind::MultiClass);
  EXPECT_EQ(name_of(plot.kind), "cross_entropy");
}

}  // namespace
}  // namespace fulcrum::nn
