#pragma once
// Everything in fulcrum::nn, for applications that build models from configs.

#include "fulcrum/layers/activation.hpp"
#include "fulcrum/layers/dropout.hpp"
#include "fulcrum/layers/linear.hpp"
#include "fulcrum/layers/mlp.hpp"
#include "fulcrum/layers/module.hpp"
#include "fulcrum/layers/module_dict.hpp"
#include "fulcrum/layers/module_list.hpp"
#include "fulcrum/layers/multi_head.hpp"
#include "fulcrum/layers/sequential.hpp"
