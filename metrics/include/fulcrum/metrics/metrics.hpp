#pragma once
// fulcrum's evaluation metrics: multi-label decision, ranking and
// calibration metrics, and multi-class metrics, all matching scikit-learn.
// Printing and saving them: fulcrum/metrics/report.hpp.

#include "fulcrum/metrics/calibration.hpp"
#include "fulcrum/metrics/multiclass.hpp"
#include "fulcrum/metrics/multilabel.hpp"
#include "fulcrum/metrics/ranking.hpp"
