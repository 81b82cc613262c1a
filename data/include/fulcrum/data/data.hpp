#pragma once
// Everything in fulcrum::data: datasets, readers, the synthetic generator,
// imputation, standardisation, stratified splits, the batch loader and re-sampling.

#include "fulcrum/data/arff.hpp"
#include "fulcrum/data/csv.hpp"
#include "fulcrum/data/csv_fields.hpp"
#include "fulcrum/data/dataset.hpp"
#include "fulcrum/data/feature_storage.hpp"
#include "fulcrum/data/imputer.hpp"
#include "fulcrum/data/libsvm.hpp"
#include "fulcrum/data/loader.hpp"
#include "fulcrum/data/sampling.hpp"
#include "fulcrum/data/scaler.hpp"
#include "fulcrum/data/source.hpp"
#include "fulcrum/data/split.hpp"
#include "fulcrum/data/synthetic.hpp"
#include "fulcrum/data/target_spec.hpp"
