#pragma once
// Everything in fulcrum::data: datasets, readers, the synthetic generator,
// standardisation, stratified splits and the batch loader.

#include "fulcrum/data/arff.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/data/libsvm.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/data/scaler.hpp"
#include "fulcrum/data/split.hpp"
#include "fulcrum/data/synthetic.hpp"
#include "fulcrum/data/target_spec.hpp"
