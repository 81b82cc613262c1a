#pragma once
// fulcrum's evaluation metrics (issue 3): multi-label decision, ranking and
// calibration metrics, and multi-class metrics, all matching scikit-learn.
// Printing and saving them: fulcrum/train/report.hpp.

#include "fulcrum/train/metrics_calibration.hpp"
#include "fulcrum/train/metrics_multiclass.hpp"
#include "fulcrum/train/metrics_multilabel.hpp"
#include "fulcrum/train/metrics_ranking.hpp"
