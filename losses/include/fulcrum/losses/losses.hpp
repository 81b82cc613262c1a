#pragma once
// Everything in fulcrum::losses: the reductions, BCEWithLogitsLoss,
// CrossEntropyLoss and the class-weight helpers.

#include "fulcrum/losses/bce_with_logits.hpp"
#include "fulcrum/losses/class_weights.hpp"
#include "fulcrum/losses/cross_entropy.hpp"
#include "fulcrum/losses/reduction.hpp"
