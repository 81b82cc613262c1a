#pragma once
// Everything in fulcrum::losses: the reductions, BCEWithLogitsLoss,
// CrossEntropyLoss, the imbalance losses (sigmoid focal, asymmetric,
// logit-adjusted cross-entropy), the class-weight helpers, and HeadLoss with
// LossKind (a head's loss chosen once, by kind or from a config).

#include "fulcrum/losses/asymmetric_loss.hpp"
#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/losses/focal_loss.hpp"
#include "fulcrum/losses/head_loss.hpp"
#include "fulcrum/losses/logit_adjustment.hpp"
#include "fulcrum/losses/reduction.hpp"
