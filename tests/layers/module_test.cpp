// Module: registration rules, dotted names, traversal order, modes, printing.

#include <gtest/gtest.h>

#include <functional>

#include "fulcrum/core/error.hpp"
#include "fulcrum/core/ops.hpp"
#include "fulcrum/layers/layers.hpp"
#include "layers/test_util.hpp"
#include "support/errors.hpp"

namespace fulcrum::nn {
namespace {

using fulcrum::testing::expect_error;

using testing::parameter_names;

// A module with parameters registered before and after a child, to pin down
// PyTorch's order: a module's own parameters first, then its children's.
class Toy : public Module {
 public:
  Toy() {
    scale = register_parameter("scale", Tensor::ones({2}));
    fc = register_module("fc", std::make_shared<Linear>(3, 2));
    shift = register_parameter("shift", Tensor::zeros({2}));
  }
  std::string type_name() const override { return "Toy"; }
  Tensor scale, shift;
  std::shared_ptr<Linear> fc;
};

TEST(Module, RegisterParameterKeepsTheHandleAndSetsRequiresGrad) {
  Module m;
  Tensor t = Tensor::zeros({3});
  ASSERT_FALSE(t.requires_grad());
  Tensor p = m.register_parameter("p", t);
  EXPECT_TRUE(t.requires_grad());
  EXPECT_TRUE(p.same(t));
  ASSERT_EQ(m.parameters().size(), 1u);
  EXPECT_TRUE(m.parameters()[0].same(t));
}

TEST(Module, RegisterModuleReturnsTheTypedPointer) {
  Module m;
  auto fc = std::make_shared<Linear>(3, 2);
  std::shared_ptr<Linear> got = m.register_module("fc", fc);
  EXPECT_EQ(got, fc);
  EXPECT_EQ(got->out_features(), 2);
}

TEST(Module, OwnParametersComeBeforeChildrenInRegistrationOrder) {
  Toy toy;
  EXPECT_EQ(parameter_names(toy),
            (std::vector<std::string>{"scale", "shift", "fc.weight", "fc.bias"}));
  std::vector<std::string> own;
  for (const auto& [name, tensor] : toy.named_parameters(/*recurse=*/false)) own.push_back(name);
  EXPECT_EQ(own, (std::vector<std::string>{"scale", "shift"}));
  EXPECT_TRUE(toy.named_parameters()[2].second.same(toy.fc->weight()));
}

TEST(Module, NestedNamesAreDottedPaths) {
  Module root;
  auto inner = root.register_module("outer", std::make_shared<Module>());
  inner->register_module("mid", std::make_shared<Toy>());
  EXPECT_EQ(parameter_names(root),
            (std::vector<std::string>{"outer.mid.scale", "outer.mid.shift", "outer.mid.fc.weight",
                                      "outer.mid.fc.bias"}));
}

TEST(Module, NamedChildrenAreDirectChildrenInOrder) {
  Module root;
  auto b = root.register_module("b", std::make_shared<Toy>());
  auto a = root.register_module("a", std::make_shared<ReLU>());
  const auto children = root.named_children();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0].first, "b");
  EXPECT_EQ(children[0].second, b);
  EXPECT_EQ(children[1].first, "a");
  EXPECT_EQ(children[1].second, a);
}

TEST(Module, SharedLayerIsListedOnceButSavedUnderEveryName) {
  auto shared = std::make_shared<Linear>(3, 2);
  Module root;
  root.register_module("first", shared);
  root.register_module("second", shared);
  EXPECT_EQ(parameter_names(root), (std::vector<std::string>{"first.weight", "first.bias"}));
  const auto state = root.state_dict();
  EXPECT_EQ(state.size(), 4u);
  EXPECT_TRUE(state.contains("second.weight"));
}

TEST(Module, RejectsBadNames) {
  Module m;
  m.register_parameter("w", Tensor::zeros({1}));
  expect_error<ValueError>([&] { m.register_parameter("", Tensor::zeros({1})); },
                           {"cannot register a parameter with an empty name"});
  expect_error<ValueError>([&] { m.register_parameter("a.b", Tensor::zeros({1})); },
                           {"parameter name 'a.b' contains '.'"});
  expect_error<ValueError>([&] { m.register_parameter("w", Tensor::zeros({1})); },
                           {"a parameter named 'w' is already registered"});
  expect_error<ValueError>([&] { m.register_module("w", std::make_shared<ReLU>()); },
                           {"a parameter named 'w' is already registered"});
  expect_error<ValueError>([&] { m.register_module("x.y", std::make_shared<ReLU>()); },
                           {"module name 'x.y' contains '.'"});
  try {
    m.register_parameter("w", Tensor::zeros({1}));
    FAIL() << "duplicate name accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("'w'"), std::string::npos) << e.what();
  }
}

TEST(Module, RejectsUndefinedNonLeafAndNullRegistrations) {
  Module m;
  expect_error<ValueError>([&] { m.register_parameter("u", Tensor()); },
                           {"parameter 'u' is an undefined tensor"});
  Tensor leaf = Tensor::ones({2});
  leaf.requires_grad_();
  Tensor computed = leaf * 2.0f;
  expect_error<ValueError>([&] { m.register_parameter("c", computed); },
                           {"parameter 'c' was computed by mul", "must be leaves"});
  expect_error<ValueError>([&] { m.register_module("null", std::shared_ptr<Module>()); },
                           {"module 'null' is null"});
  EXPECT_TRUE(m.named_parameters().empty());
  EXPECT_TRUE(m.named_children().empty());
}

TEST(Module, RefusesCycles) {
  auto a = std::make_shared<Module>();
  auto b = a->register_module("b", std::make_shared<Module>());
  expect_error<ValueError>([&] { b->register_module("a", a); },
                           {"registering 'a' (Module) would make the module tree a cycle"});
  expect_error<ValueError>([&] { a->register_module("self", a); },
                           {"registering 'self' (Module) would make the module tree a cycle"});
}

TEST(Module, TrainAndEvalReachEveryDescendant) {
  MLPOptions options{.sizes = {4, 8, 2}, .dropout = 0.5f};
  auto backbone = make_backbone(options);
  MultiHead model(backbone,
                  {{"a", std::make_shared<MLP>(MLPOptions{.sizes = {2, 3}, .dropout = 0.2f})}});
  EXPECT_TRUE(model.is_training());

  // Every module of the tree, found by walking named_children.
  std::vector<std::shared_ptr<Module>> all;
  std::function<void(const Module&)> walk = [&](const Module& m) {
    for (const auto& [name, child] : m.named_children()) {
      all.push_back(child);
      walk(*child);
    }
  };
  walk(model);
  ASSERT_GE(all.size(), 8u);

  model.eval();
  EXPECT_FALSE(model.is_training());
  for (const auto& m : all) EXPECT_FALSE(m->is_training()) << m->type_name();
  model.train();
  for (const auto& m : all) EXPECT_TRUE(m->is_training()) << m->type_name();
  model.train(false);
  for (const auto& m : all) EXPECT_FALSE(m->is_training()) << m->type_name();
}

TEST(Module, ZeroGradDropsEveryGradient) {
  Toy toy;
  Tensor x = Tensor::ones({5, 3});
  sum(toy.fc->forward(x) * toy.scale + toy.shift).backward();
  for (const auto& [name, p] : toy.named_parameters())
    ASSERT_TRUE(p.grad().defined()) << name << " got no gradient";
  toy.zero_grad();
  for (const auto& [name, p] : toy.named_parameters())
    EXPECT_FALSE(p.grad().defined()) << name << " kept its gradient";
}

TEST(Module, DefaultForwardThrowsNamingTheType) {
  ModuleList list;
  list.push_back(std::make_shared<ReLU>());
  try {
    list.forward(Tensor::ones({1}));
    FAIL() << "ModuleList::forward did not throw";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("ModuleList"), std::string::npos) << e.what();
  }
  Toy toy;
  try {
    toy(Tensor::ones({1}));
    FAIL() << "Toy::forward did not throw";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("Toy"), std::string::npos) << e.what();
  }
}

TEST(Module, ToStringPrintsTheTreeLikePyTorch) {
  MLP mlp(MLPOptions{.sizes = {6, 16, 4}, .dropout = 0.25f});
  EXPECT_EQ(mlp.to_string(),
            "MLP(\n"
            "  (layers): ModuleList(\n"
            "    (0): Linear(in_features=6, out_features=16, bias=true)\n"
            "    (1): Linear(in_features=16, out_features=4, bias=true)\n"
            "  )\n"
            "  (activation): ReLU()\n"
            "  (dropout): Dropout(p=0.25)\n"
            ")");
  EXPECT_EQ(Linear(2, 3, false).to_string(), "Linear(in_features=2, out_features=3, bias=false)");
  EXPECT_EQ(ReLU().to_string(), "ReLU()");
  EXPECT_EQ(Module().to_string(), "Module()");
}

}  // namespace
}  // namespace fulcrum::nn
