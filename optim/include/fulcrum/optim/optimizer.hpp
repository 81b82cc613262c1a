#pragma once
// Optimizer: what Adam, AdamW and SGD share (torch::optim::Optimizer).
//
// The training loop is the LibTorch one:
//   optimizer.zero_grad(); loss.backward(); optimizer.step();

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "fulcrum/core/names.hpp"
#include "fulcrum/core/tensor.hpp"

namespace fulcrum::optim {

/// The optimizers fulcrum has, for choosing one in a config.
enum class OptimizerKind { Adam, AdamW, SGD };

inline std::span<const Named<OptimizerKind>> name_table(OptimizerKind) {
  static constexpr Named<OptimizerKind> kTable[] = {
      {OptimizerKind::Adam, "adam"}, {OptimizerKind::AdamW, "adamw"}, {OptimizerKind::SGD, "sgd"}};
  return kTable;
}

/// An optimizer's state as named tensors, the form checkpoints store:
///   "step"                   scalar, the optimizer's step_count()
///   "state.{i}.step"         scalar, updates parameter i has received (Adam, AdamW)
///   "state.{i}.exp_avg"      first moment of parameter i (Adam, AdamW)
///   "state.{i}.exp_avg_sq"   second moment (Adam, AdamW)
///   "state.{i}.max_exp_avg_sq"  running max of the second moment (amsgrad only)
///   "state.{i}.momentum_buffer" (SGD with momentum)
/// `i` is the parameter's position in params(). A parameter that has not been
/// updated yet has no entries, as in PyTorch's state_dict.
using OptimizerState = std::vector<std::pair<std::string, Tensor>>;

/// Updates a fixed list of parameters from their gradients.
///
/// Requires: at least one parameter; every parameter is a defined leaf tensor
/// and appears once.
/// Ensures: step() writes the new values into the parameters' own storage, so
/// every handle to a parameter (a layer's, the caller's) sees them; a
/// parameter whose grad() is undefined is left untouched in that step and its
/// state does not advance (as in PyTorch); step_count() advances by exactly one
/// per step(), however many parameters there are; steady-state steps allocate
/// no tensor buffers (state is allocated at a parameter's first update).
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;  // copies would share state buffers
  Optimizer& operator=(const Optimizer&) = delete;
  Optimizer(Optimizer&&) = default;
  Optimizer& operator=(Optimizer&&) = default;

  /// One update of every parameter that has a gradient.
  virtual void step() = 0;

  /// Drops every parameter's gradient (PyTorch's set_to_none=true): the next
  /// backward pass starts from nothing and the buffers go back to the pool.
  void zero_grad();

  /// The learning rate the next step() uses; set_lr is for schedulers and
  /// throws ValueError unless lr is finite and >= 0.
  double lr() const { return lr_; }
  void set_lr(double lr);

  /// Number of step() calls so far (restored by load_state).
  int64_t step_count() const { return step_count_; }

  /// Handles to the parameters, in the order given to the constructor.
  const std::vector<Tensor>& params() const { return params_; }

  /// "Adam", "AdamW", "SGD": used in error messages.
  const std::string& name() const { return name_; }

  /// A snapshot (copies) of the optimizer's state; see OptimizerState.
  OptimizerState state() const;

  /// Restores a state written by state() of an optimizer of the same kind and
  /// options over parameters of the same shapes. Throws ValueError for a
  /// missing, unknown, duplicated or malformed entry and ShapeError for a
  /// buffer whose shape differs from its parameter's, naming the entry; on
  /// error the optimizer is unchanged. The values are copied.
  void load_state(const OptimizerState& state);

 protected:
  /// Checks the parameter list (see the class comment) and the learning rate.
  Optimizer(std::vector<Tensor> params, double lr, std::string name);

  /// Names of the state a parameter carries once it has been updated, in a
  /// fixed order ("step" is a scalar count, any other name a buffer of the
  /// parameter's shape).
  virtual std::vector<std::string> param_state_names() const = 0;
  /// Parameter i's state in the order of param_state_names() (live handles),
  /// or an empty vector while it has none.
  virtual std::vector<Tensor> export_param_state(size_t i) const = 0;
  /// Replaces parameter i's state by `values` (already validated, owned by the
  /// callee, in the order of param_state_names()); an empty vector clears it.
  virtual void import_param_state(size_t i, std::vector<Tensor> values) = 0;

  /// The gradients of this step: grads[i] is params_[i].grad() (undefined for
  /// a parameter to skip). Throws ShapeError, before anything is updated, if a
  /// gradient's shape differs from its parameter's.
  std::vector<Tensor> gradients() const;

  /// To be called once at the end of every step().
  void advance_step_count() { ++step_count_; }

  /// Throws ValueError "{name}: invalid {option} = {value} ({requirement})"
  /// unless `ok`.
  void check_option(bool ok, const char* option, double value, const char* requirement) const;

  std::vector<Tensor> params_;

 private:
  double lr_;
  int64_t step_count_ = 0;
  std::string name_;
};

}  // namespace fulcrum::optim
